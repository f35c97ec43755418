package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Known-answer cases for the engine's float32 kernels, forward and backward, compared with
 * {@link ReferenceOps} in float64. The shapes are the ones that went wrong on an AMD EPYC
 * machine whose oneDNN picked faulty vectorized paths (issue 9), and on this project's machine
 * under an AVX2 cap: small and odd channel counts as pruning leaves them (1 to 45), 1×1 and 3×3 kernels, strides 1 and 2, depthwise and
 * grouped convolutions, ResNet-style 1×1 projections at 56×56, in contiguous and channels-last
 * memory, each with and without autograd recording; plus batch norm in training mode and linear
 * layers.
 */
public final class KnownAnswerCheck {

    /** Bump when the cases change, so that cached verdicts are made again. */
    static final int VERSION = 3;

    /** Largest error allowed, relative to the largest reference value of the same output. */
    static final double TOLERANCE = 1e-3;

    private static final int[][] CONV_CHANNELS =
            {{1, 8}, {3, 8}, {5, 16}, {8, 11}, {11, 16}, {16, 32}, {22, 8}, {22, 11}, {45, 22}};

    private final Kernels kernels;

    private KnownAnswerCheck(Kernels kernels) {
        this.kernels = kernels;
    }

    /** The check of the engine's kernels as prune4j's ops call them. */
    public static KnownAnswerCheck ofEngine() {
        return new KnownAnswerCheck(Kernels.ENGINE);
    }

    /** The check of other kernels (tests use it to show that a wrong kernel fails the check). */
    static KnownAnswerCheck of(Kernels kernels) {
        return new KnownAnswerCheck(kernels);
    }

    /** Runs every case, each in both memory layouts where it has a layout. */
    public CheckReport run() {
        long start = System.nanoTime();
        List<CaseResult> results = new ArrayList<>();
        for (ReferenceOps.Conv c : convCases()) {
            results.addAll(checkConv(c));
        }
        for (int channels : new int[] {3, 11, 22}) {
            results.addAll(checkBatchNorm(16, channels, 14));
        }
        results.add(checkLinear(16, 45, 11));
        results.add(checkLinear(16, 400, 120));
        return new CheckReport(results, (System.nanoTime() - start) / 1e9);
    }

    static List<ReferenceOps.Conv> convCases() {
        List<ReferenceOps.Conv> cases = new ArrayList<>();
        for (int[] c : CONV_CHANNELS) {
            for (int kernel : new int[] {1, 3}) {
                for (int stride : new int[] {1, 2}) {
                    cases.add(new ReferenceOps.Conv(16, c[0], c[1], 14, kernel, stride, kernel / 2, 1));
                }
            }
        }
        cases.add(new ReferenceOps.Conv(16, 22, 22, 14, 3, 1, 1, 22));   // depthwise
        cases.add(new ReferenceOps.Conv(16, 22, 22, 14, 3, 2, 1, 22));
        cases.add(new ReferenceOps.Conv(16, 45, 45, 14, 3, 1, 1, 45));
        cases.add(new ReferenceOps.Conv(16, 16, 16, 14, 3, 1, 1, 4));    // grouped (ResNeXt style)
        cases.add(new ReferenceOps.Conv(1, 64, 128, 56, 1, 2, 0, 1));    // ResNet-18 downsample
        cases.add(new ReferenceOps.Conv(1, 256, 64, 56, 1, 1, 0, 1));    // ResNet-50 bottleneck entry
        return cases;
    }

    private List<CaseResult> checkConv(ReferenceOps.Conv c) {
        Random random = new Random(31L * c.hashCode());
        float[] x = gaussian(random, c.inputLength());
        float[] w = gaussian(random, c.weightLength());
        float[] dy = gaussian(random, c.outputLength());
        ReferenceOps.Conv2dResult ref = ReferenceOps.conv(c, widen(x), widen(w), widen(dy));
        String name = String.format("conv %dx%dx%dx%d -> %d k%d s%d g%d", c.batch(), c.in(), c.size(), c.size(),
                c.out(), c.kernel(), c.stride(), c.groups());
        Shape xShape = new Shape(c.batch(), c.in(), c.size(), c.size());
        Shape wShape = new Shape(c.out(), c.inPerGroup(), c.kernel(), c.kernel());
        Shape yShape = new Shape(c.batch(), c.out(), c.outSize(), c.outSize());
        Map<String, double[]> expected = new LinkedHashMap<>();
        expected.put("y", ref.y());
        expected.put("dx", ref.dx());
        expected.put("dw", ref.dw());
        expected.put("y without autograd", ref.y());   // the call an evaluation makes
        List<CaseResult> results = new ArrayList<>(2);
        for (boolean channelsLast : new boolean[] {false, true}) {
            results.add(compare(name + (channelsLast ? " channels-last" : " contiguous"), expected, () -> {
                try (NDManager m = Engines.get().newBaseManager()) {
                    NDArray xa = leaf(m, x, xShape, channelsLast);
                    NDArray wa = leaf(m, w, wShape, channelsLast);
                    NDArray dya = Engines.create(m, dy, yShape);
                    List<float[]> values;
                    try (GradientCollector gc = Engines.get().newGradientCollector()) {
                        NDArray y = kernels.conv2d(xa, wa, c.stride(), c.padding(), c.groups());
                        gc.backward(y.mul(dya).sum());
                        values = outputs(y, xa.getGradient(), wa.getGradient());
                    }
                    values.addAll(outputs(kernels.conv2d(xa, wa, c.stride(), c.padding(), c.groups())));
                    return values;
                }
            }));
        }
        return results;
    }

    private List<CaseResult> checkBatchNorm(int batch, int channels, int size) {
        Random random = new Random(7919L * channels);
        int hw = size * size;
        float[] x = gaussian(random, batch * channels * hw);
        float[] gamma = gaussian(random, channels);
        float[] beta = gaussian(random, channels);
        float[] dy = gaussian(random, x.length);
        double eps = 1e-5;
        ReferenceOps.BatchNormResult ref = ReferenceOps.batchNorm(batch, channels, hw, widen(x), widen(gamma),
                widen(beta), eps, widen(dy));
        Shape xShape = new Shape(batch, channels, size, size);
        Map<String, double[]> expected = new LinkedHashMap<>();
        expected.put("y", ref.y());
        expected.put("dx", ref.dx());
        expected.put("dgamma", ref.dGamma());
        expected.put("dbeta", ref.dBeta());
        List<CaseResult> results = new ArrayList<>(2);
        for (boolean channelsLast : new boolean[] {false, true}) {
            String name = String.format("batchnorm %dx%dx%dx%d training %s", batch, channels, size, size,
                    channelsLast ? "channels-last" : "contiguous");
            results.add(compare(name, expected, () -> {
                try (NDManager m = Engines.get().newBaseManager()) {
                    NDArray xa = leaf(m, x, xShape, channelsLast);
                    NDArray ga = leaf(m, gamma, new Shape(channels), false);
                    NDArray ba = leaf(m, beta, new Shape(channels), false);
                    NDArray mean = m.zeros(new Shape(channels));
                    NDArray var = m.ones(new Shape(channels));
                    NDArray dya = Engines.create(m, dy, xShape);
                    try (GradientCollector gc = Engines.get().newGradientCollector()) {
                        NDArray y = kernels.batchNorm(xa, mean, var, ga, ba, eps);
                        gc.backward(y.mul(dya).sum());
                        return outputs(y, xa.getGradient(), ga.getGradient(), ba.getGradient());
                    }
                }
            }));
        }
        return results;
    }

    private CaseResult checkLinear(int batch, int in, int out) {
        Random random = new Random(104729L * in + out);
        float[] x = gaussian(random, batch * in);
        float[] w = gaussian(random, out * in);
        float[] b = gaussian(random, out);
        float[] dy = gaussian(random, batch * out);
        ReferenceOps.LinearResult ref = ReferenceOps.linear(batch, in, out, widen(x), widen(w), widen(b), widen(dy));
        Map<String, double[]> expected = new LinkedHashMap<>();
        expected.put("y", ref.y());
        expected.put("dx", ref.dx());
        expected.put("dw", ref.dw());
        return compare(String.format("linear %dx%d -> %d", batch, in, out), expected, () -> {
            try (NDManager m = Engines.get().newBaseManager()) {
                NDArray xa = leaf(m, x, new Shape(batch, in), false);
                NDArray wa = leaf(m, w, new Shape(out, in), false);
                NDArray ba = Engines.create(m, b, new Shape(out));
                NDArray dya = Engines.create(m, dy, new Shape(batch, out));
                try (GradientCollector gc = Engines.get().newGradientCollector()) {
                    NDArray y = kernels.linear(xa, wa, ba);
                    gc.backward(y.mul(dya).sum());
                    return outputs(y, xa.getGradient(), wa.getGradient());
                }
            }
        });
    }

    /** The worst relative error over the outputs; an exception in the engine fails the case too. */
    private static CaseResult compare(String name, Map<String, double[]> expected, EngineRun run) {
        List<float[]> actual;
        try {
            actual = run.outputs();
        } catch (RuntimeException e) {
            return new CaseResult(name, Double.NaN, "engine error: " + e.getMessage());
        }
        double worst = 0;
        String worstOutput = expected.keySet().iterator().next();
        int i = 0;
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            double error = relativeError(actual.get(i++), e.getValue());
            if (!(error <= worst)) {   // NaN wins
                worst = error;
                worstOutput = e.getKey();
            }
        }
        return new CaseResult(name, worst, String.format("%s relative error %.3g", worstOutput, worst));
    }

    /** max |actual - expected| / max |expected|; NaN when a value is not finite or the lengths differ. */
    static double relativeError(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            return Double.NaN;
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Float.isFinite(actual[i])) {
                return Double.NaN;
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxDiff / Math.max(maxRef, 1e-30);
    }

    private static NDArray leaf(NDManager m, float[] values, Shape shape, boolean channelsLast) {
        NDArray a = Engines.create(m, values, shape);
        if (channelsLast) {
            NDArray converted = ChannelsLast.convertDetached(a);
            a.close();
            a = converted;
        }
        a.setRequiresGradient(true);
        return a;
    }

    /** Values in logical (NCHW) order whatever the memory layout, read before the arrays are freed. */
    private static List<float[]> outputs(NDArray... arrays) {
        List<float[]> values = new ArrayList<>(arrays.length);
        for (NDArray a : arrays) {
            values.add(a.toFloatArray());
        }
        return values;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @FunctionalInterface
    private interface EngineRun {
        List<float[]> outputs();
    }

    /**
     * The engine calls under test, made exactly as prune4j's ops make them ({@code Conv2dOp}
     * through {@link Convolution}, {@code BatchNormOp}, {@code LinearOp}).
     */
    interface Kernels {
        NDArray conv2d(NDArray x, NDArray w, int stride, int padding, int groups);

        NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta, double eps);

        NDArray linear(NDArray x, NDArray w, NDArray b);

        Kernels ENGINE = new Kernels() {
            @Override
            public NDArray conv2d(NDArray x, NDArray w, int stride, int padding, int groups) {
                return Convolution.conv2d(x, w, null, new int[] {stride, stride}, new int[] {padding, padding},
                        new int[] {1, 1}, groups);
            }

            @Override
            public NDArray batchNorm(NDArray x, NDArray runningMean, NDArray runningVar, NDArray gamma, NDArray beta,
                    double eps) {
                return BatchNorm.batchNorm(x, runningMean, runningVar, gamma, beta, -1, 0.9f, (float) eps, true)
                        .singletonOrThrow();
            }

            @Override
            public NDArray linear(NDArray x, NDArray w, NDArray b) {
                return Linear.linear(x, w, b).singletonOrThrow();
            }
        };
    }

    /**
     * One case's verdict: its worst relative error (NaN when a value was not finite or the engine
     * threw) and a detail naming the output ({@code y}, {@code dx}, …) or the engine's error.
     */
    public record CaseResult(String name, double error, String detail) {

        public boolean passed() {
            return error <= TOLERANCE;
        }

        @Override
        public String toString() {
            return name + ": " + detail;
        }
    }

    /** All cases' verdicts and how long they took. */
    public record CheckReport(List<CaseResult> cases, double seconds) {

        public boolean passed() {
            return failures().isEmpty();
        }

        public List<CaseResult> failures() {
            return cases.stream().filter(c -> !c.passed()).toList();
        }

        /** The largest error among the cases that passed: how close the engine came to the tolerance. */
        public double worstPassingError() {
            return cases.stream().filter(CaseResult::passed).mapToDouble(CaseResult::error).max().orElse(0);
        }
    }
}
