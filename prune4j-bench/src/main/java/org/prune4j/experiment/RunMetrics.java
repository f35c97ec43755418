package org.prune4j.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run measured. The main figures become columns of the results store; {@link #all}
 * adds the details (evaluations at each phase, per-layer sparsity, latencies, phase times).
 */
public record RunMetrics(Double top1Before, Double top1Pruned, Double top1FineTuned, Double top5FineTuned,
        Double lossFineTuned, long parameters, long nonZeroParameters, long macs, long nonZeroMacs,
        double actualCompression, double theoreticalSpeedUp, Double measuredSpeedUpBatch1,
        Double measuredSpeedUpBatch128, long sizeBytes, double wallSeconds, Map<String, Object> details) {

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
