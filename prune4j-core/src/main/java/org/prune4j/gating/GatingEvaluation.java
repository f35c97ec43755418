package org.prune4j.gating;

/**
 * Accuracy and cost of a gated model over a data set.
 *
 * @param keep the mean share of channels each gated layer computes
 * @param executedMacsPerSample the MACs of the channels actually computed, averaged over the samples (without the predictor)
 * @param denseMacs the ungated model's MACs per sample
 * @param predictorMacs the MACs per sample of predicting the gates (zero for the oracle and static modes)
 */
public record GatingEvaluation(ChannelGating.Mode mode, double keep, double top1, double executedMacsPerSample,
        long denseMacs, long predictorMacs, int samples) {

    /** The evaluation as JSON-friendly values. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("mode", mode.name().toLowerCase());
        row.put("keep", keep);
        row.put("top1", top1);
        row.put("executedMacsPerSample", executedMacsPerSample);
        row.put("predictorMacs", predictorMacs);
        row.put("denseMacs", denseMacs);
        row.put("speedup", speedup());
        row.put("samples", samples);
        return row;
    }

    /** Dense MACs over the MACs a sample costs in total, predictor included. */
    public double speedup() {
        return denseMacs / (executedMacsPerSample + predictorMacs);
    }
}
