package org.prune4j.lottery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What iterative magnitude pruning found: the dense accuracy and, per round, the share of
 * prunable weights kept, the compression of all parameters, the ticket's accuracy and its
 * controls' accuracies.
 *
 * @param settings everything that made the result (data, training recipe, rewind, rate, ...)
 */
public record LotteryResult(Map<String, Object> settings, double denseTop1, List<Round> rounds, double seconds) {

    /**
     * @param density kept / prunable weights
     * @param compression all parameters / non-zero parameters
     * @param controls test accuracy of each control by label
     * @param splitDensities with COLT, the density each data split's copy kept before the overlap
     * @param peakLearningRate the peak rate this round retrained with
     */
    public record Round(int round, double density, double compression, double top1, Map<String, Double> controls,
            List<Double> splitDensities, double peakLearningRate, double seconds) {}

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", settings);
        m.put("denseTop1", denseTop1);
        m.put("rounds", rounds);
        m.put("seconds", seconds);
        return m;
    }
}
