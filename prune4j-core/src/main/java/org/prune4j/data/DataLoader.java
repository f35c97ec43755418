package org.prune4j.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;

/**
 * Cuts an {@link ImageDataset} into {@link Batch}es, optionally shuffled and augmented.
 *
 * <p>Everything is a pure function of (seed, epoch): the sample order is a permutation drawn from
 * {@code new Random(seed * 1_000_003L + epoch)} and the transforms of batch {@code b} use their
 * own {@code Random} derived from (seed, epoch, b). Iterating {@link #epoch(int)} twice therefore
 * gives identical batches, different epochs give different orders, and a batch's augmentation does
 * not depend on whether earlier batches were consumed.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder().setDataset(train).setBatchSize(128)
 *         .optShuffle(true).optSeed(42)
 *         .optTransforms(List.of(new RandomCropWithPadding(4), new Normalize(mean, std)))
 *         .build();
 * for (Batch batch : loader.epoch(e)) { ... }
 * }</pre>
 */
public final class DataLoader {

    private final ImageDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final List<SampleTransform> transforms;
    private final SampleTransform[] transformSteps; // array: no iterator per sample in the hot loop
    private final boolean dropLast;

    private DataLoader(Builder builder) {
        this.dataset = builder.dataset;
        this.batchSize = builder.batchSize;
        this.shuffle = builder.shuffle;
        this.seed = builder.seed;
        this.transforms = builder.transforms;
        this.transformSteps = transforms.toArray(new SampleTransform[0]);
        this.dropLast = builder.dropLast;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The per-sample transforms, in order. */
    public List<SampleTransform> transforms() {
        return transforms;
    }

    /** Number of batches each epoch yields; the last one is smaller unless {@code dropLast}. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The batches of epoch {@code epoch}. The iterable may be iterated more than once; each
     * iteration produces the same batches, built lazily, one at a time.
     */
    public Iterable<Batch> epoch(int epoch) {
        return () -> new BatchIterator(sampleOrder(epoch), epoch);
    }

    /** Index order of one epoch: identity, or a seeded Fisher-Yates shuffle. */
    int[] sampleOrder(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random rng = new Random(seed * 1_000_003L + epoch);
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /**
     * Seed for the transforms of one batch. Mixed through a SplitMix64 finaliser because
     * {@link Random} gives visibly correlated first draws for consecutive seeds.
     */
    static long transformSeed(long seed, int epoch, int batchIndex) {
        long z = (seed * 1_000_003L + epoch) * 0x9E3779B97F4A7C15L + batchIndex;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private final class BatchIterator implements Iterator<Batch> {

        private final int[] order;
        private final int epoch;
        private final int batches = batchesPerEpoch();
        private int next;

        BatchIterator(int[] order, int epoch) {
            this.order = order;
            this.epoch = epoch;
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has only " + batches + " batches");
            }
            int b = next++;
            int from = b * batchSize;
            int size = Math.min(batchSize, order.length - from);
            return makeBatch(order, from, size, new Random(transformSeed(seed, epoch, b)));
        }
    }

    private Batch makeBatch(int[] order, int from, int size, Random rng) {
        int c = dataset.channels();
        int h = dataset.height();
        int w = dataset.width();
        int sampleSize = dataset.sampleSize();
        float[] images = new float[size * sampleSize];
        int[] labels = new int[size];
        SampleTransform[] steps = transformSteps;
        float[] scratch = steps.length == 0 ? null : new float[sampleSize];
        for (int i = 0; i < size; i++) {
            int index = order[from + i];
            labels[i] = dataset.label(index);
            int offset = i * sampleSize;
            if (steps.length == 0) {
                dataset.copySample(index, images, offset);
                continue;
            }
            // Transforms work on a sample at index 0, so run them on a scratch buffer.
            dataset.copySample(index, scratch);
            for (SampleTransform step : steps) {
                step.apply(scratch, c, h, w, rng);
            }
            System.arraycopy(scratch, 0, images, offset, sampleSize);
        }
        return new Batch(images, labels, size, c, h, w);
    }

    @Override
    public String toString() {
        return "DataLoader(" + dataset.name() + ", batchSize=" + batchSize + ", shuffle=" + shuffle
                + ", seed=" + seed + ", dropLast=" + dropLast + ", transforms=" + transforms + ")";
    }

    /** Builder; {@code setX} values are required, {@code optX} values have defaults. */
    public static final class Builder {

        private ImageDataset dataset;
        private int batchSize = -1;
        private boolean shuffle;
        private long seed;
        private List<SampleTransform> transforms = List.of();
        private boolean dropLast;

        private Builder() {}

        /** The data to batch (required). */
        public Builder setDataset(ImageDataset dataset) {
            this.dataset = dataset;
            return this;
        }

        /** Samples per batch (required, > 0). */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits samples in a fresh seeded random order; default false. */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seed for shuffling and transforms; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Transforms applied to every sample, in list order; default none. */
        public Builder optTransforms(List<SampleTransform> transforms) {
            Objects.requireNonNull(transforms, "transforms");
            for (int i = 0; i < transforms.size(); i++) {
                if (transforms.get(i) == null) {
                    throw new IllegalArgumentException("transforms[" + i + "] is null");
                }
            }
            this.transforms = List.copyOf(transforms);
            return this;
        }

        /** Whether to skip a final batch smaller than the batch size; default false. */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public DataLoader build() {
            if (dataset == null) {
                throw new IllegalStateException("dataset must be set (setDataset)");
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException(
                        "batchSize must be set to a value > 0 (setBatchSize), was " + batchSize);
            }
            if (dropLast && dataset.size() < batchSize) {
                throw new IllegalArgumentException(
                        "batchSize " + batchSize + " is larger than data set " + dataset.name() + " ("
                                + dataset.size() + " samples) with dropLast=true: no batch would be produced");
            }
            return new DataLoader(this);
        }
    }
}
