package org.prune4j.smt;

/**
 * The verification of one input partition.
 *
 * @param lower the partition's lower bounds per feature (the protected one spans its values)
 * @param counterexample null, or the input with protected value 0; its twin differs only there
 * @param confirmed the counterexample's twins, run through the network in its floating point, get
 *     different decisions (a check of the encoding; false when there is no counterexample)
 * @param reasonUnknown the solver's reason when the verdict is unknown (e.g. "timeout")
 * @param byBounds verified by interval bounds alone (the decision cannot change on the partition),
 *     without calling the solver
 * @param inactiveUnits hidden ReLUs the interval bounds proved inactive on the partition (pruned
 *     from the encoding), and {@code activeUnits} those proved active (encoded as linear)
 */
public record PartitionResult(int index, double[] lower, double[] upper, Verdict verdict, double[] counterexample,
        boolean confirmed, String reasonUnknown, boolean byBounds, int inactiveUnits, int activeUnits, int hiddenUnits,
        double seconds) {}
