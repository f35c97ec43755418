package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {

    /** 10 samples of 1x2x2 where every pixel of sample i equals i, so batches reveal their indices. */
    private static ImageDataset indexed(int n) {
        float[] pixels = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) {
                pixels[i * 4 + p] = i;
            }
            labels[i] = i % 3;
        }
        return new ImageDataset("indexed", pixels, labels, 1, 2, 2, 3);
    }

    private static List<Integer> sampleIds(Iterable<Batch> epoch) {
        List<Integer> ids = new ArrayList<>();
        for (Batch batch : epoch) {
            for (int i = 0; i < batch.size(); i++) {
                int id = (int) batch.images()[i * 4];
                assertThat(batch.labels()[i]).isEqualTo(id % 3);
                ids.add(id);
            }
        }
        return ids;
    }

    private static DataLoader.Builder loader(int n, int batchSize) {
        return DataLoader.builder().setDataset(indexed(n)).setBatchSize(batchSize);
    }

    @Test
    void withoutShuffleBatchesFollowDatasetOrderAndLastBatchIsSmaller() {
        DataLoader loader = loader(10, 4).build();

        List<Batch> batches = new ArrayList<>();
        loader.epoch(0).forEach(batches::add);

        assertThat(loader.batchesPerEpoch()).isEqualTo(3);
        assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
        assertThat(sampleIds(loader.epoch(0))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void shuffledEpochVisitsEverySampleExactlyOnce() {
        DataLoader loader = loader(103, 10).optShuffle(true).optSeed(9).build();

        for (int epoch = 0; epoch < 3; epoch++) {
            List<Integer> ids = sampleIds(loader.epoch(epoch));
            assertThat(ids).hasSize(103).doesNotHaveDuplicates();
        }
    }

    @Test
    void shuffleIsDeterministicForSeedAndEpochAndVariesOtherwise() {
        DataLoader a = loader(50, 8).optShuffle(true).optSeed(1).build();
        DataLoader b = loader(50, 8).optShuffle(true).optSeed(1).build();
        DataLoader otherSeed = loader(50, 8).optShuffle(true).optSeed(2).build();

        List<Integer> a0 = sampleIds(a.epoch(0));
        assertThat(sampleIds(b.epoch(0))).isEqualTo(a0);
        assertThat(sampleIds(a.epoch(0))).as("iterating again").isEqualTo(a0);
        assertThat(sampleIds(a.epoch(1))).isNotEqualTo(a0);
        assertThat(sampleIds(otherSeed.epoch(0))).isNotEqualTo(a0);
        assertThat(a0).isNotEqualTo(sampleIds(loader(50, 8).build().epoch(0)));
    }

    @Test
    void dropLastSkipsTheIncompleteBatch() {
        DataLoader loader = loader(10, 4).optDropLast(true).build();

        List<Batch> batches = new ArrayList<>();
        loader.epoch(0).forEach(batches::add);

        assertThat(loader.batchesPerEpoch()).isEqualTo(2);
        assertThat(batches).extracting(Batch::size).containsExactly(4, 4);
        assertThat(batches).allSatisfy(batch -> assertThat(batch.images()).hasSize(16));
    }

    @Test
    void dropLastWithBatchLargerThanDatasetIsRejected() {
        assertThatThrownBy(() -> loader(3, 4).optDropLast(true).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize 4")
                .hasMessageContaining("3 samples");
    }

    @Test
    void transformsAreAppliedAndReproducibleButDifferAcrossEpochs() {
        ImageDataset data = SyntheticImages.builder()
                .setNumSamples(32).setShape(1, 6, 6).setNumClasses(2).optSeed(3).build();
        List<SampleTransform> augment = List.of(new RandomCropWithPadding(2), new RandomHorizontalFlip(0.5));
        DataLoader loader = DataLoader.builder().setDataset(data).setBatchSize(16)
                .optSeed(4).optTransforms(augment).build();
        DataLoader plain = DataLoader.builder().setDataset(data).setBatchSize(16).build();

        float[] first = loader.epoch(0).iterator().next().images();

        assertThat(loader.epoch(0).iterator().next().images()).containsExactly(first);
        assertThat(first).isNotEqualTo(plain.epoch(0).iterator().next().images());
        assertThat(loader.epoch(1).iterator().next().images()).isNotEqualTo(first);
    }

    @Test
    void transformsNeverModifyTheDataset() {
        ImageDataset data = indexed(6);
        DataLoader loader = DataLoader.builder().setDataset(data).setBatchSize(3)
                .optTransforms(List.of(new Normalize(new float[] {100f}, new float[] {1f}))).build();

        loader.epoch(0).forEach(batch -> assertThat(batch.images()[0]).isNegative());

        float[] sample = new float[4];
        data.copySample(5, sample);
        assertThat(sample).containsOnly(5f);
    }

    @Test
    void missingDatasetOrBatchSizeIsNamed() {
        assertThatThrownBy(() -> DataLoader.builder().setBatchSize(2).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dataset");
        assertThatThrownBy(() -> DataLoader.builder().setDataset(indexed(2)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchSize");
    }

    @Test
    void batchConvertsToFloatImagesAndInt64LabelsWithBatchShapes() {
        DataLoader loader = loader(10, 4).build();
        List<Batch> batches = new ArrayList<>();
        loader.epoch(0).forEach(batches::add);

        try (NDManager manager = NDManager.newBaseManager()) {
            NDList last = batches.get(2).toNDList(manager);
            NDArray images = last.get(0);
            NDArray labels = last.get(1);

            assertThat(images.getShape()).isEqualTo(new Shape(2, 1, 2, 2));
            assertThat(images.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(images.toFloatArray()).containsExactly(8, 8, 8, 8, 9, 9, 9, 9);
            assertThat(labels.getShape()).isEqualTo(new Shape(2));
            assertThat(labels.getDataType()).isEqualTo(DataType.INT64);
            assertThat(labels.toLongArray()).containsExactly(2, 0);
        }
    }

    @Test
    void batchToNDListUsesOnlyTheFirstSizeSamplesOfLongerArrays() {
        Batch batch = new Batch(new float[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8, 9}, 2, 1, 1, 2);

        try (NDManager manager = NDManager.newBaseManager()) {
            NDList list = batch.toNDList(manager);

            assertThat(list.get(0).getShape()).isEqualTo(new Shape(2, 1, 1, 2));
            assertThat(list.get(0).toFloatArray()).containsExactly(1, 2, 3, 4);
            assertThat(list.get(1).toLongArray()).containsExactly(7, 8);
        }
    }
}
