package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loss gradients of the weights summed over the calibration batches. */
final class Gradients {

    private Gradients() {}

    static Map<String, float[]> sum(Model model, List<Parameter> weights, Calibration data) {
        return sum(model, weights, data, 1);
    }

    /** Gradients of the loss on logits divided by {@code temperature} (GraSP uses 200). */
    static Map<String, float[]> sum(Model model, List<Parameter> weights, Calibration data, double temperature) {
        requireData(data);
        Map<String, float[]> sums = new LinkedHashMap<>();
        weights.forEach(w -> sums.put(w.fullName(), new float[(int) w.value().size()]));
        data.forEachBackward(model, Calibration.Gates.NONE, temperature, gates -> {
            for (Parameter w : weights) {
                try (NDArray g = w.value().getGradient()) {
                    float[] add = g.toFloatArray();
                    float[] acc = sums.get(w.fullName());
                    for (int i = 0; i < acc.length; i++) {
                        acc[i] += add[i];
                    }
                }
            }
        });
        return sums;
    }

    static void requireData(Calibration data) {
        if (data == null) {
            throw new IllegalArgumentException("this criterion needs calibration data: call optCalibration(loader, batches)");
        }
    }

    static float[] abs(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.abs(values[i]);
        }
        return out;
    }
}
