package org.prune4j.cli;

import org.prune4j.train.TrainingRecipe;

import picocli.CommandLine.Option;

/** How a command trains a model from scratch: the options of {@code train}, shared with {@code lottery}. */
final class RecipeOptions {

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for weights and data order.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.1", description = "Peak learning rate.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9")
    double momentum;

    @Option(names = "--no-nesterov", negatable = false, description = "Plain momentum instead of Nesterov.")
    boolean noNesterov;

    @Option(names = "--weight-decay", defaultValue = "5e-4")
    double weightDecay;

    @Option(names = "--lr-schedule", defaultValue = "onecycle",
            description = "Learning-rate schedule: constant, step, cosine or onecycle.")
    String schedule;

    @Option(names = "--warmup-epochs", defaultValue = "0")
    double warmupEpochs;

    @Option(names = "--augment", description = "Random crop with padding and horizontal flips.")
    boolean augment;

    /** The recipe; names and numbers are checked here, before any data set is loaded. */
    TrainingRecipe recipe() {
        // Nesterov is the default only where it means something: with momentum.
        return TrainingRecipe.builder().setEpochs(epochs).optOptimizer(optimizer).optLearningRate(learningRate)
                .optMomentum(momentum).optNesterov(!noNesterov && momentum > 0).optWeightDecay(weightDecay)
                .optLrSchedule(schedule).optWarmupEpochs(warmupEpochs).optBatchSize(batchSize).optAugment(augment)
                .optSeed(seed).build();
    }
}
