package org.prune4j.sparsity;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Sparse training from scratch at a fixed parameter count: every prunable weight tensor starts
 * with a random mask, together keeping {@code density} of their weights (shared between tensors
 * by the Erdős–Rényi-kernel rule, or uniformly), and the masks hold through training.
 * {@code static} never changes them; {@code set} (Mocanu et al. 2018) and {@code rigl} (Evci et
 * al. 2020) update them every {@code updateEvery} steps until {@code endFraction} of training:
 * in each tensor they drop the active weights of smallest magnitude, a share that decays from
 * {@code dropFraction} with a cosine, and grow as many inactive ones, at random (SET) or those
 * with the largest dense gradient (RigL; the gradient of the step being taken), starting at 0.
 * Each tensor's number of kept weights never changes.
 *
 * <pre>{@code
 * SparseTraining rigl = SparseTraining.builder().setMethod("rigl").setDensity(0.1).build();
 * Trainer.fit(model, recipe, loader, List.of(rigl));
 * }</pre>
 */
public final class SparseTraining implements TrainingListener, AutoCloseable {

    public static final List<String> METHODS = List.of("static", "set", "rigl");

    private final String method;
    private final double density;
    private final String distribution;
    private final int updateEvery;
    private final double dropFraction;
    private final double endFraction;
    private final boolean includeClassifier;
    private final long seed;
    private WeightMasks masks;
    private Random rng;
    private long end;
    private int updates;

    private SparseTraining(Builder b) {
        this.method = b.method;
        this.density = b.density;
        this.distribution = b.distribution;
        this.updateEvery = b.updateEvery;
        this.dropFraction = b.dropFraction;
        this.endFraction = b.endFraction;
        this.includeClassifier = b.includeClassifier;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onTrainingBegin(TrainingContext context) {
        begin(context.model());
        end = Math.round((long) context.epochs() * context.batchesPerEpoch() * endFraction);
    }

    /** Draws the random masks (once) and applies them. */
    void begin(Model model) {
        if (masks == null) {
            rng = new Random(seed);
            masks = new WeightMasks(model);
            List<Parameter> weights = PrunableWeights.of(model, includeClassifier);
            Map<String, Double> layerDensity = distribution.equals("erk") ? erdosRenyiKernel(weights, density)
                    : null;
            for (Parameter w : weights) {
                int n = (int) w.value().size();
                float[] keep = new float[n];
                double d = layerDensity == null ? density : layerDensity.get(w.fullName());
                int kept = (int) Math.max(1, Math.round(d * n));
                for (int i : sample(n, kept)) {
                    keep[i] = 1;
                }
                masks.set(w, keep);
            }
        }
        masks.apply(model);
    }

    /**
     * RigL's Erdős–Rényi-kernel allocation: a tensor of shape (out, in, kh, kw) keeps a share
     * proportional to (out + in + kh + kw) / (out · in · kh · kw), scaled so that all of them
     * together keep {@code density} of their weights; a tensor that would keep more than all
     * stays dense and the rest are scaled again.
     */
    static Map<String, Double> erdosRenyiKernel(List<Parameter> weights, double density) {
        Map<String, Double> raw = new LinkedHashMap<>();
        long total = 0;
        for (Parameter w : weights) {
            long[] shape = w.value().getShape().getShape();
            double sum = 0;
            double product = 1;
            for (long d : shape) {
                sum += d;
                product *= d;
            }
            raw.put(w.fullName(), sum / product);
            total += w.value().size();
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        weights.forEach(w -> sizes.put(w.fullName(), w.value().size()));
        Map<String, Double> result = new LinkedHashMap<>();
        java.util.Set<String> dense = new java.util.HashSet<>();
        while (true) {
            double budget = density * total;
            double weighted = 0;
            for (String name : raw.keySet()) {
                if (dense.contains(name)) {
                    budget -= sizes.get(name);
                } else {
                    weighted += raw.get(name) * sizes.get(name);
                }
            }
            double epsilon = budget / weighted;
            boolean changed = false;
            for (String name : raw.keySet()) {
                if (!dense.contains(name) && epsilon * raw.get(name) > 1) {
                    dense.add(name);
                    changed = true;
                }
            }
            if (!changed) {
                for (String name : raw.keySet()) {
                    result.put(name, dense.contains(name) ? 1.0 : epsilon * raw.get(name));
                }
                return result;
            }
        }
    }

    /** Gradients of this step are computed: the moment RigL reads them. */
    @Override
    public void beforeUpdate(TrainingContext context) {
        long step = context.step();
        if (method.equals("static") || step == 0 || step % updateEvery != 0 || step >= end) {
            return;
        }
        double share = dropFraction / 2 * (1 + Math.cos(Math.PI * step / end));
        for (Parameter w : PrunableWeights.of(context.model(), includeClassifier)) {
            update(w, share);
        }
        masks.apply(context.model());
        updates++;
    }

    @Override
    public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
        masks.apply(context.model());
    }

    /** Drops {@code share} of the tensor's active weights and grows as many; package-private for tests. */
    void update(Parameter w, double share) {
        float[] keep = masks.get(w.fullName());
        float[] values = w.value().toFloatArray();
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] != 0) {
                active.add(i);
            }
        }
        int k = (int) Math.round(share * active.size());
        if (k == 0 || active.size() == keep.length) {
            return;
        }
        active.sort((a, b) -> Float.compare(Math.abs(values[a]), Math.abs(values[b])));
        for (int i = 0; i < k; i++) {
            keep[active.get(i)] = 0; // drop the smallest magnitudes
        }
        for (int i : grow(w, keep, k)) {
            keep[i] = 1; // grown weights start at 0: they are masked now
        }
        masks.set(w, keep);
    }

    /** {@code k} positions that are inactive now: random (SET) or of largest |gradient| (RigL). */
    private int[] grow(Parameter w, float[] keep, int k) {
        List<Integer> inactive = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] == 0) {
                inactive.add(i);
            }
        }
        if (method.equals("set")) {
            int[] picked = sample(inactive.size(), k);
            return Arrays.stream(picked).map(inactive::get).toArray();
        }
        float[] gradient;
        try (NDArray g = w.value().getGradient()) {
            gradient = g.toFloatArray();
        }
        inactive.sort((a, b) -> Float.compare(Math.abs(gradient[b]), Math.abs(gradient[a])));
        return inactive.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code k} distinct indices below {@code n}, uniformly (partial Fisher-Yates). */
    private int[] sample(int n, int k) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    /** The masks (null before training began); kept weights per tensor never change. */
    public WeightMasks masks() {
        return masks;
    }

    /** How many mask updates happened. */
    public int updates() {
        return updates;
    }

    public Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", method);
        s.put("density", density);
        s.put("distribution", distribution);
        s.put("updateEvery", updateEvery);
        s.put("dropFraction", dropFraction);
        s.put("endFraction", endFraction);
        s.put("includeClassifier", includeClassifier);
        s.put("seed", seed);
        return s;
    }

    @Override
    public void close() {
        if (masks != null) {
            masks.close();
        }
    }

    /** {@code setMethod} and {@code setDensity} are required. */
    public static final class Builder {
        private String method;
        private double density = Double.NaN;
        private String distribution = "erk";
        private int updateEvery = 100;
        private double dropFraction = 0.3;
        private double endFraction = 0.75;
        private boolean includeClassifier;
        private long seed;

        private Builder() {}

        /** {@code static}, {@code set} or {@code rigl}. */
        public Builder setMethod(String method) {
            this.method = method == null ? null : method.toLowerCase(Locale.ROOT);
            return this;
        }

        /** The share of each prunable tensor's weights kept, in (0, 1]. */
        public Builder setDensity(double density) {
            this.density = density;
            return this;
        }

        /**
         * How the density is shared between tensors: {@code erk} (default: Erdős–Rényi-kernel,
         * small tensors keep more, as in RigL) or {@code uniform} (every tensor keeps the density).
         */
        public Builder optDistribution(String distribution) {
            this.distribution = distribution;
            return this;
        }

        /** Steps between mask updates; default 100 (RigL's ΔT). */
        public Builder optUpdateEvery(int steps) {
            this.updateEvery = steps;
            return this;
        }

        /** The share of active weights the first update drops; default 0.3 (RigL's α). */
        public Builder optDropFraction(double fraction) {
            this.dropFraction = fraction;
            return this;
        }

        /** The share of training after which the masks stay; default 0.75. */
        public Builder optEndFraction(double fraction) {
            this.endFraction = fraction;
            return this;
        }

        /** Also make the classifier sparse (default: it stays dense). */
        public Builder optIncludeClassifier(boolean include) {
            this.includeClassifier = include;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public SparseTraining build() {
            if (method == null || !METHODS.contains(method)) {
                throw new IllegalArgumentException("unknown sparse training '" + method + "'; known are " + METHODS);
            }
            if (!List.of("erk", "uniform").contains(distribution)) {
                throw new IllegalArgumentException("unknown density distribution '" + distribution
                        + "'; known are [erk, uniform]");
            }
            if (!(density > 0 && density <= 1)) {
                throw new IllegalArgumentException("sparse training needs a density in (0, 1], got " + density);
            }
            if (updateEvery < 1 || !(dropFraction > 0 && dropFraction < 1) || !(endFraction > 0 && endFraction <= 1)) {
                throw new IllegalArgumentException("sparse training needs updateEvery >= 1, a drop fraction in (0, 1) "
                        + "and an end fraction in (0, 1], got " + updateEvery + ", " + dropFraction + ", "
                        + endFraction);
            }
            return new SparseTraining(this);
        }
    }
}
