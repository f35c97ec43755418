package org.prune4j.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.lottery.LotteryResult;
import org.prune4j.measure.LatencyComparison;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.pruning.PruningResult;
import org.prune4j.train.EvalResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run measured. The main figures become columns of the results store; {@link #all}
 * adds the details (evaluations at each phase, sizes, per-layer sparsity, latencies with their
 * spread, phase times). A measured speed-up is recorded only where pruning can cause one
 * (structured runs): a masked model runs the same dense kernels as its reference.
 */
public record RunMetrics(Double top1Before, Double top1Pruned, Double top1FineTuned, Double top5FineTuned,
        Double lossFineTuned, long parameters, long nonZeroParameters, long macs, long nonZeroMacs,
        double actualCompression, double theoreticalSpeedUp, Double measuredSpeedUpBatch1,
        Double measuredSpeedUpBatch128, long sizeBytes, double wallSeconds, Map<String, Object> details) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A dense run: one evaluation, no pruning. */
    public static RunMetrics ofDense(EvalResult eval, SparsityStats stats, long sizeBytes, double wallSeconds,
            Map<String, Object> details) {
        return new RunMetrics(eval.top1(), eval.top1(), eval.top1(), eval.top5(), eval.loss(), stats.parameters(),
                stats.nonZeroParameters(), stats.macs(), stats.nonZeroMacs(), stats.compression(),
                stats.theoreticalSpeedUp(), null, null, sizeBytes, wallSeconds, details);
    }

    /**
     * A from-scratch run: nothing before, its evaluation after training; compression and speed-up
     * against the dense model its architecture was pruned from.
     */
    public static RunMetrics ofScratch(EvalResult after, SparsityStats stats, SparsityStats dense, long sizeBytes,
            double wallSeconds, Map<String, Object> details) {
        return new RunMetrics(null, null, after.top1(), after.top5(), after.loss(), stats.parameters(),
                stats.nonZeroParameters(), stats.macs(), stats.nonZeroMacs(),
                dense.parameters() / (double) stats.nonZeroParameters(), dense.macs() / (double) stats.nonZeroMacs(),
                null, null, sizeBytes, wallSeconds, details);
    }

    /** A lottery run: the dense accuracy before, the last round's ticket after; every round in the details. */
    public static RunMetrics ofLottery(LotteryResult r, SparsityStats stats, long sizeBytes,
            Map<String, Object> details) {
        Double last = r.rounds().isEmpty() ? null : r.rounds().get(r.rounds().size() - 1).top1();
        Map<String, Object> all = new LinkedHashMap<>(details);
        all.put("lottery", r.toMap());
        return new RunMetrics(r.denseTop1(), null, last, null, null, stats.parameters(), stats.nonZeroParameters(),
                stats.macs(), stats.nonZeroMacs(), stats.compression(), stats.theoreticalSpeedUp(), null, null,
                sizeBytes, r.seconds(), all);
    }

    /** A pruning run: its {@link PruningResult} (all of it in the details) and the checkpoint's size. */
    @SuppressWarnings("unchecked")
    public static RunMetrics ofPruning(PruningResult r, long sizeBytes, Map<String, Object> extraDetails) {
        Map<String, Object> details = new LinkedHashMap<>(JSON.convertValue(r, Map.class));
        details.remove("provenance"); // stored in its own column
        details.putAll(extraDetails);
        LatencyComparison.AtBatch b1 = r.measuredSpeedUp(1);
        LatencyComparison.AtBatch b128 = r.measuredSpeedUp(128);
        EvalResult after = r.afterFineTuning();
        return new RunMetrics(r.accuracyBefore(), r.accuracyAfterPruning(), after.top1(), after.top5(), after.loss(),
                r.pruned().parameters(), r.pruned().nonZeroParameters(), r.pruned().macs(), r.pruned().nonZeroMacs(),
                r.compression(), r.theoreticalSpeedUp(), b1 == null ? null : b1.speedUp(),
                b128 == null ? null : b128.speedUp(), sizeBytes, r.seconds().wall(), details);
    }

    /**
     * The latency comparison at batch 128 in a run's stored metrics (its details, or a results
     * store row's metrics), or null for runs without one (dense, latency not measured).
     */
    public static LatencyComparison.AtBatch latencyAtBatch128(Map<?, ?> metrics) {
        if (metrics != null && metrics.get("latency") instanceof Map<?, ?> latency
                && latency.get("batch128") instanceof Map<?, ?> b128) {
            return JSON.convertValue(b128, LatencyComparison.AtBatch.class);
        }
        return null;
    }

    public Map<String, Object> all() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top1Before", top1Before);
        m.put("top1Pruned", top1Pruned);
        m.put("top1FineTuned", top1FineTuned);
        m.put("top5FineTuned", top5FineTuned);
        m.put("lossFineTuned", lossFineTuned);
        m.put("parameters", parameters);
        m.put("nonZeroParameters", nonZeroParameters);
        m.put("macs", macs);
        m.put("nonZeroMacs", nonZeroMacs);
        m.put("actualCompression", actualCompression);
        m.put("theoreticalSpeedUp", theoreticalSpeedUp);
        m.put("measuredSpeedUpBatch1", measuredSpeedUpBatch1);
        m.put("measuredSpeedUpBatch128", measuredSpeedUpBatch128);
        m.put("sizeBytes", sizeBytes);
        m.put("wallSeconds", wallSeconds);
        m.putAll(details);
        return m;
    }
}
