package org.prune4j.experiment;

import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.TrainingRecipe;

import java.nio.file.Path;

/** The data of a benchmark, loaded once: training and test split, with the spec's limits applied. */
final class BenchData {

    private final String name;
    private final ImageDataset train;
    private final ImageDataset test;

    BenchData(String name, Path dir, Integer trainLimit, Integer testLimit) {
        this.name = name;
        ImageDataset tr = DataSets.load(name, dir, DataSets.Split.TRAIN);
        ImageDataset te = DataSets.load(name, dir, DataSets.Split.TEST);
        this.train = trainLimit == null ? tr : tr.slice(0, Math.min(trainLimit, tr.size()));
        this.test = testLimit == null ? te : te.slice(0, Math.min(testLimit, te.size()));
    }

    ImageDataset train() {
        return train;
    }

    DataLoader trainLoader(TrainingRecipe recipe) {
        return DataPipeline.trainLoader(name, train, recipe);
    }

    DataLoader testLoader() {
        return DataPipeline.evalLoader(name, test);
    }
}
