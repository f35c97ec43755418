package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keep/remove masks (1/0) for weight tensors, by parameter full name ({@code conv1.weight}).
 * {@link #apply} zeroes the removed weights in place; {@link MaskedTraining} calls it after every
 * optimizer step, so momentum or weight decay cannot bring a removed weight back.
 */
public final class WeightMasks implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, float[]> keep = new LinkedHashMap<>();
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();

    public WeightMasks(Model model) {
        this.manager = model.manager().newSubManager();
    }

    /** Sets (or replaces) the mask of one weight; {@code mask} has one 0/1 entry per weight. */
    public void set(Parameter weight, float[] mask) {
        if (mask.length != weight.value().size()) {
            throw new IllegalArgumentException("mask for '" + weight.fullName() + "' has " + mask.length
                    + " entries, the weight has " + weight.value().size());
        }
        NDArray old = arrays.put(weight.fullName(), Engines.create(manager, mask, weight.value().getShape()));
        if (old != null) {
            old.close();
        }
        keep.put(weight.fullName(), mask.clone());
    }

    /** The mask of a weight, or null when it has none (all kept). */
    public float[] get(String fullName) {
        float[] m = keep.get(fullName);
        return m == null ? null : m.clone();
    }

    public Map<String, float[]> all() {
        return Collections.unmodifiableMap(keep);
    }

    /** Zeroes every removed weight of the model in place. */
    public void apply(Model model) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            String[] nodeAndName = splitFullName(e.getKey());
            model.parameter(nodeAndName[0], nodeAndName[1]).value().muli(e.getValue());
        }
    }

    /** Number of weights kept over all masked tensors. */
    public long kept() {
        long n = 0;
        for (float[] m : keep.values()) {
            for (float v : m) {
                n += v != 0 ? 1 : 0;
            }
        }
        return n;
    }

    /** Number of weights in all masked tensors. */
    public long size() {
        return keep.values().stream().mapToLong(m -> m.length).sum();
    }

    private static String[] splitFullName(String fullName) {
        int dot = fullName.lastIndexOf('.');
        return new String[] {fullName.substring(0, dot), fullName.substring(dot + 1)};
    }

    @Override
    public void close() {
        manager.close();
    }
}
