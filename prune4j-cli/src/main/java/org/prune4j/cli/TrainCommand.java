package org.prune4j.cli;

import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.train.TrainingJob;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.BatchNormSparsity;
import org.prune4j.train.listener.EpochLogListener;
import org.prune4j.train.listener.ProgressBarListener;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j train}: trains a zoo model, evaluates it on the test split and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a zoo model, evaluate it on the test set, save model.p4j and metrics.jsonl.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Zoo architecture, e.g. lenet5, resnet20.")
    String model;

    @Option(names = "--data", defaultValue = "fashion-mnist",
            description = "Data set: fashion-mnist, mnist, cifar10, synthetic (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir", description = "Directory of the data set's files (default: the data set's own).")
    Path dataDir;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for weights and data order.")
    long seed;

    @Option(names = "--out", description = "Output directory for model.p4j and metrics.jsonl.")
    Path out;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the architecture.")
    double width;

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

    @Option(names = "--limit", description = "Train on the first N training images only (quick demos).")
    Integer limit;

    @Option(names = "--bn-sparsity", paramLabel = "LAMBDA",
            description = "Network slimming: L1 penalty LAMBDA on batch-norm scales (e.g. 1e-4), for bn-scale pruning.")
    Double bnSparsity;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        // Nesterov is the default only where it means something: with momentum.
        // Names and settings are checked here, before the data set is loaded.
        TrainingRecipe recipe = TrainingRecipe.builder().setEpochs(epochs).optOptimizer(optimizer)
                .optLearningRate(learningRate).optMomentum(momentum).optNesterov(!noNesterov && momentum > 0)
                .optWeightDecay(weightDecay).optLrSchedule(schedule).optWarmupEpochs(warmupEpochs)
                .optBatchSize(batchSize).optAugment(augment).optSeed(seed).build();
        ImageDataset probe = DataSets.load(data, dataDir, DataSets.Split.TEST);
        ZooOptions options = new ZooOptions(probe.channels(), probe.height(), probe.numClasses(), width);
        Graph graph = ModelZoo.build(model, options);
        if (!common.json) {
            System.out.print(ModelSummary.of(graph).toTable());
        }
        TrainingJob.Builder job = TrainingJob.builder().setModel(model, graph).setData(data)
                .optDataDir(dataDir).setRecipe(recipe).optOutputDir(out).optTrainLimit(limit);
        if (bnSparsity != null) {
            job.optListener(new BatchNormSparsity(bnSparsity)).optSetting("bnSparsity", bnSparsity);
        }
        job.optListener(System.console() != null && !common.json
                ? new ProgressBarListener() : new EpochLogListener(System.err));
        Map<String, Object> result = job.build().run();
        if (common.json) {
            System.out.println(CommonOptions.toJson(result));
        } else {
            System.out.printf("test accuracy %.2f%% after %d epochs (%.0f s training, %.0f s total)%n",
                    100 * (double) result.get("testAccuracy"), epochs, (double) result.get("trainSeconds"),
                    (double) result.get("wallSeconds"));
            if (out != null) {
                System.out.println("saved " + result.get("checkpoint"));
            }
        }
        return 0;
    }
}
