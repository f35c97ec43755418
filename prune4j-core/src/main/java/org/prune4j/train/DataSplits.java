package org.prune4j.train;

import ai.djl.ndarray.types.Shape;

import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.graph.Graph;

import java.nio.file.Path;

/** A data set's training and test split, loaded once, and the loaders a recipe asks for. */
public record DataSplits(String name, ImageDataset train, ImageDataset test) {

    /** The named data set (from {@code dir} when not null), each split cut to its limit when one is given. */
    public static DataSplits load(String name, Path dir, Integer trainLimit, Integer testLimit) {
        return load(name, dir, trainLimit, testLimit, null);
    }

    /** As {@link #load(String, Path, Integer, Integer)}, brought to the input shape of the model that reads it (image folders). */
    public static DataSplits load(String name, Path dir, Integer trainLimit, Integer testLimit, Shape modelInput) {
        ImageDataset train = DataSets.load(name, dir, DataSets.Split.TRAIN, modelInput);
        ImageDataset test = DataSets.load(name, dir, DataSets.Split.TEST, modelInput);
        if (train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException("data set '" + name + "' has " + train.numClasses()
                    + " classes for training but " + test.numClasses() + " for testing");
        }
        return new DataSplits(name, trainLimit == null ? train : train.slice(0, Math.min(trainLimit, train.size())),
                testLimit == null ? test : test.slice(0, Math.min(testLimit, test.size())));
    }

    /**
     * Fails, naming both shapes, when {@code graph} cannot take this data: other image sizes or
     * channels, another feature count, or fewer classes than the data has labels.
     */
    public void requireFits(Graph graph) {
        long[] in = graph.inputShape().getShape();
        boolean fits = in.length == 3
                ? in[0] == train.channels() && in[1] == train.height() && in[2] == train.width()
                : in[0] == train.sampleSize();
        String data = train.channels() + "×" + train.height() + "×" + train.width();
        if (!fits) {
            throw new IllegalArgumentException("the model takes inputs of " + join(in) + " but data set '" + name
                    + "' gives " + data + (in.length == 3 ? " (channels × height × width)" : "")
                    + ": give data of the model's input shape (e.g. an image folder, which resizes and converts)");
        }
        long classes = graph.shapeOf(graph.outputName()).get(0);
        if (classes < train.numClasses()) {
            throw new IllegalArgumentException("the model has " + classes + " outputs but data set '" + name + "' has "
                    + train.numClasses() + " classes");
        }
    }

    private static String join(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (long d : dims) {
            sb.append(sb.length() == 0 ? "" : "×").append(d);
        }
        return sb.toString();
    }

    public DataLoader trainLoader(TrainingRecipe recipe) {
        return DataPipeline.trainLoader(name, train, recipe);
    }

    public DataLoader testLoader() {
        return DataPipeline.evalLoader(name, test);
    }
}
