package org.prune4j.lottery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.ChannelsLast;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A copy of every parameter of a model (weights, biases, batch-norm statistics) off the engine,
 * to go back to later: the lottery ticket's initialization or its weights at step k.
 */
public final class WeightSnapshot {

    private final Map<String, float[]> values;
    private final Map<String, Shape> shapes;

    private WeightSnapshot(Map<String, float[]> values, Map<String, Shape> shapes) {
        this.values = values;
        this.shapes = shapes;
    }

    public static WeightSnapshot of(Model model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            values.put(p.fullName(), p.value().toFloatArray());
            shapes.put(p.fullName(), p.value().getShape());
        }
        return new WeightSnapshot(values, shapes);
    }

    /** Sets every parameter of {@code model} to its saved value; the model must have the same structure. */
    public void restore(Model model) {
        for (Parameter p : model.parameters()) {
            float[] v = values.get(p.fullName());
            if (v == null || !shapes.get(p.fullName()).equals(p.value().getShape())) {
                throw new IllegalArgumentException("the snapshot has no parameter '" + p.fullName() + "' of shape "
                        + p.value().getShape() + (v == null ? "" : "; it has " + shapes.get(p.fullName()))
                        + ": it was taken of another architecture");
            }
            NDArray value = Engines.create(model.manager(), v, p.value().getShape());
            if (model.channelsLast() && value.getShape().dimension() == 4) {
                NDArray converted = ChannelsLast.convertDetached(value); // the memory format the model runs in
                value.close();
                value = converted;
            }
            p.setValue(value);
        }
    }

    /** The saved values of one parameter by full name ({@code fc1.weight}), or null. */
    public float[] get(String fullName) {
        float[] v = values.get(fullName);
        return v == null ? null : v.clone();
    }

    /** Whether the model holds exactly these values, bit for bit. */
    public boolean matches(Model model) {
        for (Parameter p : model.parameters()) {
            if (!Arrays.equals(values.get(p.fullName()), p.value().toFloatArray())) {
                return false;
            }
        }
        return values.size() == model.parameters().size();
    }
}
