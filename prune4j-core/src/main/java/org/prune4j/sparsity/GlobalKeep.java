package org.prune4j.sparsity;

import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/** One threshold across all layers: layers with small scores lose more (ShrinkBench's "global"). */
public final class GlobalKeep implements KeepRule {

    @Override
    public String name() {
        return "global";
    }

    @Override
    public Map<String, float[]> select(Map<String, float[]> scores, Map<String, Shape> shapes, double keepFraction) {
        int total = scores.values().stream().mapToInt(s -> s.length).sum();
        float[] all = new float[total];
        int at = 0;
        for (float[] s : scores.values()) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        TopK.Threshold t = TopK.threshold(all, Math.round(keepFraction * total));
        long[] ties = {t.ties()};
        Map<String, float[]> masks = new LinkedHashMap<>();
        scores.forEach((name, s) -> masks.put(name, TopK.mask(s, t, ties)));
        return masks;
    }
}
