package org.prune4j.pruning;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.prune4j.evaluation.BehaviourChange;
import org.prune4j.measure.LatencyComparison;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.model.Provenance;
import org.prune4j.train.EvalResult;

import java.util.List;
import java.util.Map;

/**
 * The evidence of one pruning run ({@link PruningRun}): accuracy of the reference (dense) model,
 * right after pruning and after fine-tuning; behaviour beyond accuracy on clean data; total and non-zero parameters and MACs before and
 * after; per-layer channels and sparsity; deployed-form latency with its spread; each pruning
 * step; how long each phase took; and the provenance of the result. Serialized as the JSON of
 * {@code prune --json} and the details of a bench run.
 *
 * @param before null in a data-free run (as are the other accuracies and the behaviour)
 * @param afterPruning null when the schedule prunes during training (AGP)
 * @param behaviour calibration, classes, agreement and dead ReLUs of the reference and the result
 * @param latency null when not measured
 * @param channels output channels before and after, per conv and linear layer
 */
public record PruningResult(PruningKind kind, String method, String schedule, EvalResult before, EvalResult afterPruning,
        EvalResult afterFineTuning, BehaviourChange behaviour, SparsityStats reference, SparsityStats pruned, LatencyComparison latency,
        List<PruningStep> steps, Map<String, List<Long>> channels, Seconds seconds, Provenance provenance) {

    /** Wall time of each phase. */
    public record Seconds(double prune, double fineTune, double evaluate, double latency, double wall) {}

    @JsonProperty
    public Double accuracyBefore() {
        return before == null ? null : before.top1();
    }

    @JsonProperty
    public Double accuracyAfterPruning() {
        return afterPruning == null ? null : afterPruning.top1();
    }

    @JsonProperty
    public Double accuracyAfterFineTuning() {
        return afterFineTuning == null ? null : afterFineTuning.top1();
    }

    /** Total parameters of the reference / non-zero parameters of the result (ShrinkBench's compression). */
    @JsonProperty
    public double compression() {
        return reference.parameters() / (double) pruned.nonZeroParameters();
    }

    /** MACs of the reference / non-zero MACs of the result: the speed-up an ideal sparse kernel would give. */
    @JsonProperty
    public double theoreticalSpeedUp() {
        return reference.macs() / (double) pruned.nonZeroMacs();
    }

    /** MACs of the reference / MACs of the result's structure (structured pruning's reduction). */
    @JsonProperty
    public double macReduction() {
        return reference.macs() / (double) pruned.macs();
    }

    /** Parameters of the reference / parameters of the result's structure. */
    @JsonProperty
    public double paramReduction() {
        return reference.parameters() / (double) pruned.parameters();
    }

    /**
     * Whether the measured latency ratio is a speed-up the pruning can cause: structured pruning
     * runs smaller dense kernels; an unstructured (masked) model runs the same dense kernels as
     * its reference, so a ratio away from 1 there is noise, not speed-up.
     */
    @JsonProperty
    public boolean measuredSpeedUpApplies() {
        return kind == PruningKind.STRUCTURED;
    }

    /** The measured speed-up at a batch size (1 or 128), or null when not measured or not applicable. */
    public LatencyComparison.AtBatch measuredSpeedUp(int batchSize) {
        if (latency == null || !measuredSpeedUpApplies()) {
            return null;
        }
        return batchSize == 1 ? latency.batch1() : latency.batch128();
    }
}
