package org.prune4j.measure;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.data.Batch;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.model.BatchNormFolding;
import org.prune4j.model.Model;
import org.prune4j.train.Trainer;
import org.prune4j.train.optim.Sgd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Training and inference throughput (images per second) of a graph on random data, measured the
 * way benchmarks/pytorch_throughput.py measures PyTorch: warm-up steps, then repeats of timed steps,
 * the median reported. Training uses the real {@link Trainer} step (SGD, momentum 0.9,
 * weight decay 5e-4, loss read every step).
 */
public final class Throughput {

    private final Graph graph;
    private final int batchSize;
    private final int warmup;
    private final int steps;
    private final int repeats;

    public Throughput(Graph graph, int batchSize, int warmup, int steps, int repeats) {
        if (batchSize <= 0 || warmup < 0 || steps <= 0 || repeats <= 0) {
            throw new IllegalArgumentException("batch, steps and repeats must be positive and warm-up "
                    + "zero or more, got " + batchSize + ", " + steps + ", " + repeats + ", " + warmup);
        }
        this.graph = graph;
        this.batchSize = batchSize;
        this.warmup = warmup;
        this.steps = steps;
        this.repeats = repeats;
    }

    /** Images per second of each repeat: training, inference, inference with BN folded into convs. */
    public Map<String, Object> run() {
        Batch batch = randomBatch();
        Map<String, Object> result = new LinkedHashMap<>();
        try (Model model = Model.builder().setGraph(graph).optSeed(0).build();
                Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build()) {
            Trainer trainer = Trainer.builder().setModel(model).setOptimizer(sgd).setSchedule(s -> 0.01).build();
            result.put("train", measure(() -> trainer.step(batch)));
            result.put("infer", measure(() -> infer(model, batch)));
            try (Model folded = BatchNormFolding.fold(model)) {
                result.put("inferFoldedBatchNorm", measure(() -> infer(folded, batch)));
            }
        }
        return result;
    }

    private Map<String, Object> measure(Runnable step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            rates[r] = (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("medianImagesPerSecond", median(rates));
        List<Double> runs = new ArrayList<>();
        Arrays.stream(rates).forEach(runs::add);
        m.put("runs", runs);
        return m;
    }

    private static void infer(Model model, Batch batch) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray out = model.forward(batch.toNDList(step).get(0), false);
            out.toFloatArray(); // waits for the result, as reading the logits would
        }
    }

    private Batch randomBatch() {
        Shape in = graph.inputShape();
        int sample = (int) in.size();
        float[] images = new float[batchSize * sample];
        int[] labels = new int[batchSize];
        Random rng = new Random(0);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rng.nextGaussian();
        }
        int classes = (int) graph.outputShape().get(0);
        for (int i = 0; i < batchSize; i++) {
            labels[i] = rng.nextInt(classes);
        }
        return new Batch(images, labels, batchSize, (int) in.get(0), (int) in.get(1), (int) in.get(2));
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The engine settings that shape the numbers, for the record. */
    public static Map<String, Object> environment() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        env.put("ldPreload", System.getenv().getOrDefault("LD_PRELOAD", ""));
        env.put("versions", Engines.versions());
        return env;
    }
}
