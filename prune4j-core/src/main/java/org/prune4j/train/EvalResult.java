package org.prune4j.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Accuracy and mean loss of a model on a data set. */
public record EvalResult(double loss, double top1, double top5, long samples) {

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("top1", top1);
        m.put("top5", top5);
        m.put("samples", samples);
        return m;
    }

    @Override
    public String toString() {
        return String.format("top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d samples",
                top1 * 100, top5 * 100, loss, samples);
    }
}
