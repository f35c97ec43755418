package org.prune4j.train;

import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;

import java.nio.file.Path;

/** A data set's training and test split, loaded once, and the loaders a recipe asks for. */
public record DataSplits(String name, ImageDataset train, ImageDataset test) {

    /** The named data set (from {@code dir} when not null), each split cut to its limit when one is given. */
    public static DataSplits load(String name, Path dir, Integer trainLimit, Integer testLimit) {
        ImageDataset train = DataSets.load(name, dir, DataSets.Split.TRAIN);
        ImageDataset test = DataSets.load(name, dir, DataSets.Split.TEST);
        return new DataSplits(name, trainLimit == null ? train : train.slice(0, Math.min(trainLimit, train.size())),
                testLimit == null ? test : test.slice(0, Math.min(testLimit, test.size())));
    }

    public DataLoader trainLoader(TrainingRecipe recipe) {
        return DataPipeline.trainLoader(name, train, recipe);
    }

    public DataLoader testLoader() {
        return DataPipeline.evalLoader(name, test);
    }
}
