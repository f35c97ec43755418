package org.prune4j.benchmark;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;
import org.prune4j.model.Model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Inference latency of a model in prune4j: eval-mode forward of one batch with the result read,
 * repeated; the median in milliseconds. Used to put measured speed-up next to MAC reduction.
 */
public final class LatencyBenchmark {

    private LatencyBenchmark() {}

    public static double medianMillis(Model model, int batchSize, int warmup, int repeats) {
        Shape shape = new Shape(batchSize).addAll(model.graph().inputShape());
        float[] input = new float[(int) shape.size()];
        Random rng = new Random(0);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) rng.nextGaussian();
        }
        double[] times = new double[repeats];
        for (int r = -warmup; r < repeats; r++) {
            try (NDManager step = model.manager().newSubManager()) {
                long start = System.nanoTime();
                model.forward(Engines.create(step, input, shape), false).toFloatArray();
                if (r >= 0) {
                    times[r] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return ThroughputBenchmark.median(times);
    }

    /**
     * Latency of two models measured in alternation (five rounds each way, median of all): the
     * same process state for both, so a pruned model is compared fairly with its original even
     * after training has changed the heap and allocator caches.
     */
    public static Map<String, Map<String, Object>> compare(Model first, Model second) {
        double[][] b1 = new double[2][5];
        double[][] b128 = new double[2][5];
        Model[] models = {first, second};
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 2; i++) {
                b1[i][round] = medianMillis(models[i], 1, 5, 21);
                b128[i][round] = medianMillis(models[i], 128, 1, 3);
            }
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        String[] names = {"first", "second"};
        for (int i = 0; i < 2; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch1Ms", ThroughputBenchmark.median(b1[i]));
            m.put("batch128Ms", ThroughputBenchmark.median(b128[i]));
            out.put(names[i], m);
        }
        return out;
    }
}
