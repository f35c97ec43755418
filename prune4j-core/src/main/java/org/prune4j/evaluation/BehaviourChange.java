package org.prune4j.evaluation;

import java.util.Locale;

/**
 * The clean-data behaviour of a reference model and of the model pruned from it (which carries
 * its agreement with the reference): what every pruning run reports besides accuracy.
 */
public record BehaviourChange(BehaviourReport reference, BehaviourReport pruned) {

    /** One line: ECE, NLL, worst class, agreement, dead ReLUs and fairness gaps, reference → pruned. */
    public String toText() {
        String fairness = reference.fairness() == null || pruned.fairness() == null ? "" : String.format(Locale.ROOT,
                ", demographic parity difference %.4f -> %.4f, equalized odds difference %.4f -> %.4f",
                reference.fairness().demographicParityDifference(), pruned.fairness().demographicParityDifference(),
                reference.fairness().equalizedOddsDifference(), pruned.fairness().equalizedOddsDifference());
        String agreement = pruned.agreement() == null ? "" : String.format(Locale.ROOT,
                ", agreement %.2f%% (%.2f%% on the reference's %.0f%% least confident)",
                100 * pruned.agreement().overall(), 100 * pruned.agreement().leastConfident(),
                100 * pruned.agreement().leastConfidentFraction());
        return String.format(Locale.ROOT, "ECE %.4f -> %.4f, NLL %.4f -> %.4f, worst class %d at %.2f%% -> "
                + "class %d at %.2f%%%s, dead ReLU channels %.2f%% -> %.2f%%%s",
                reference.reliability().ece(), pruned.reliability().ece(), reference.clean().nll(),
                pruned.clean().nll(), reference.worstClass(), 100 * worstAccuracy(reference), pruned.worstClass(),
                100 * worstAccuracy(pruned), agreement, 100 * reference.deadNeuronRate(), 100 * pruned.deadNeuronRate(),
                fairness);
    }

    private static double worstAccuracy(BehaviourReport r) {
        return r.worstClass() < 0 ? Double.NaN : r.classAccuracy()[r.worstClass()];
    }
}
