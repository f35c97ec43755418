package org.prune4j.measure;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;
import org.prune4j.model.BatchNormFolding;
import org.prune4j.model.Model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Inference latency of a model in prune4j: eval-mode forward of one batch with the result read,
 * repeated; the median in milliseconds. Used to put measured speed-up next to MAC reduction.
 */
public final class Latency {

    private Latency() {}

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
        return Throughput.median(times);
    }

    /**
     * Latency of two models as they would be deployed: batch norm folded into the convolutions and
     * each model in the memory layout that is faster for it at that batch size (channels-last
     * convolutions are fast for some channel counts and slow for others, so it is measured, not
     * guessed). The two are then timed in alternation, {@value #ROUNDS} rounds, on fresh copies,
     * so both see the same process state even after training has changed the heap and the
     * allocator caches; the per-round ratios give the speed-up's spread. The given models are
     * left unchanged.
     */
    public static LatencyComparison compare(Model reference, Model candidate) {
        Model[] models = {reference, candidate};
        Map<Integer, LatencyComparison.AtBatch> perBatch = new LinkedHashMap<>();
        for (int batch : new int[] {1, 128}) {
            int warmup = batch == 1 ? 5 : 1;
            int repeats = batch == 1 ? 21 : 3;
            Model[] forms = new Model[2];
            try {
                for (int i = 0; i < 2; i++) {
                    forms[i] = fastestInferenceForm(models[i], batch, warmup, repeats);
                }
                double[][] times = new double[2][ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < 2; i++) {
                        times[i][round] = medianMillis(forms[i], batch, warmup, repeats);
                    }
                }
                perBatch.put(batch, LatencyComparison.AtBatch.of(batch, layout(forms[0]), layout(forms[1]), times[0],
                        times[1]));
            } finally {
                for (Model m : forms) {
                    if (m != null) {
                        m.close();
                    }
                }
            }
        }
        return new LatencyComparison(perBatch.get(1), perBatch.get(128));
    }

    /** Interleaved rounds of {@link #compare}. */
    public static final int ROUNDS = 5;

    private static String layout(Model m) {
        return m.channelsLast() ? "channels-last" : "contiguous";
    }

    /** The BN-folded copy of the model in whichever memory layout runs this batch size faster. */
    static Model fastestInferenceForm(Model model, int batch, int warmup, int repeats) {
        Model contiguous = BatchNormFolding.fold(model, false);
        Model channelsLast = null;
        try {
            channelsLast = BatchNormFolding.fold(model, true);
            double[][] times = new double[2][3];
            for (int round = 0; round < 3; round++) {
                times[0][round] = medianMillis(contiguous, batch, warmup, repeats);
                times[1][round] = medianMillis(channelsLast, batch, warmup, repeats);
            }
            boolean lastWins = Throughput.median(times[1]) < Throughput.median(times[0]);
            Model loser = lastWins ? contiguous : channelsLast;
            loser.close();
            return lastWins ? channelsLast : contiguous;
        } catch (RuntimeException e) {
            contiguous.close();
            if (channelsLast != null) {
                channelsLast.close();
            }
            throw e;
        }
    }
}
