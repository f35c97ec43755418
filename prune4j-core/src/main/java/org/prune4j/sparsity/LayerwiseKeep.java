package org.prune4j.sparsity;

import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every layer keeps the same fraction of its weights (at least one). */
public final class LayerwiseKeep implements KeepRule {

    @Override
    public String name() {
        return "layerwise";
    }

    @Override
    public Map<String, float[]> select(Map<String, float[]> scores, Map<String, Shape> shapes, double keepFraction) {
        Map<String, float[]> masks = new LinkedHashMap<>();
        scores.forEach((name, s) -> {
            TopK.Threshold t = TopK.threshold(s, Math.max(1, Math.round(keepFraction * s.length)));
            masks.put(name, TopK.mask(s, t, new long[] {t.ties()}));
        });
        return masks;
    }
}
