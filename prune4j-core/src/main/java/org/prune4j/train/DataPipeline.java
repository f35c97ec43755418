package org.prune4j.train;

import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.Normalize;
import org.prune4j.data.RandomCropWithPadding;
import org.prune4j.data.RandomHorizontalFlip;
import org.prune4j.data.SampleTransform;

import java.util.ArrayList;
import java.util.List;

/** Builds the train and test loaders a recipe asks for: normalization, optional augmentation. */
public final class DataPipeline {

    private static final int EVAL_BATCH = 256;

    private DataPipeline() {}

    public static DataLoader trainLoader(String dataName, ImageDataset train, TrainingRecipe recipe) {
        List<SampleTransform> transforms = new ArrayList<>();
        if (recipe.augment()) {
            transforms.add(new RandomCropWithPadding(Math.max(1, train.height() / 8)));
            transforms.add(new RandomHorizontalFlip(0.5));
        }
        addNormalization(dataName, transforms);
        return DataLoader.builder().setDataset(train).setBatchSize(recipe.batchSize())
                .optShuffle(true).optSeed(recipe.seed()).optTransforms(transforms).build();
    }

    public static DataLoader evalLoader(String dataName, ImageDataset data) {
        List<SampleTransform> transforms = new ArrayList<>();
        addNormalization(dataName, transforms);
        return DataLoader.builder().setDataset(data).setBatchSize(EVAL_BATCH).optTransforms(transforms).build();
    }

    private static void addNormalization(String dataName, List<SampleTransform> transforms) {
        float[][] meanStd = DataSets.normalization(dataName);
        if (meanStd != null) {
            transforms.add(new Normalize(meanStd[0], meanStd[1]));
        }
    }
}
