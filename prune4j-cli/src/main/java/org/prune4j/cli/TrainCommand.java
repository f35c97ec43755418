package org.prune4j.cli;

import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.sparsity.SparseTraining;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.TrainingJob;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.BatchNormSparsity;
import org.prune4j.train.listener.EpochLogListener;
import org.prune4j.train.listener.NeuronEquilibrium;
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

    @Option(names = "--out", description = "Output directory for model.p4j and metrics.jsonl.")
    Path out;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the architecture.")
    double width;

    @Mixin
    RecipeOptions training;

    @Option(names = "--limit", description = "Train on the first N training images only (quick demos).")
    Integer limit;

    @Option(names = "--bn-sparsity", paramLabel = "LAMBDA",
            description = "Network slimming: L1 penalty LAMBDA on batch-norm scales (e.g. 1e-4), for bn-scale pruning.")
    Double bnSparsity;

    @Option(names = "--sparse", paramLabel = "METHOD", description = "Sparse training from scratch at a fixed "
            + "parameter count: static (a random mask), set (drop smallest, grow at random) or rigl (grow by the "
            + "gradient); needs --density.")
    String sparse;

    @Option(names = "--density", description = "With --sparse: share of each layer's weights kept (e.g. 0.1).")
    Double density;

    @Option(names = "--sparse-distribution", defaultValue = "erk", description = "With --sparse: erk (small "
            + "layers keep more, as in RigL) or uniform (default: ${DEFAULT-VALUE}).")
    String sparseDistribution;

    @Option(names = "--update-every", defaultValue = "100", description = "With --sparse set|rigl: steps between "
            + "mask updates (default: ${DEFAULT-VALUE}).")
    int updateEvery;

    @Option(names = "--drop-fraction", defaultValue = "0.3", description = "With --sparse set|rigl: share of active "
            + "weights the first update moves, decaying with a cosine (default: ${DEFAULT-VALUE}).")
    double dropFraction;

    @Option(names = "--neq", paramLabel = "EPSILON", description = "NEq: stop updating neurons whose outputs reached "
            + "equilibrium (velocity of their cosine similarity between epochs below EPSILON, e.g. 0.001) and report "
            + "the backward work saved.")
    Double neq;

    @Option(names = "--neq-samples", defaultValue = "500",
            description = "With --neq: the first N training images whose outputs are compared (default: ${DEFAULT-VALUE}).")
    int neqSamples;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        TrainingRecipe recipe = training.recipe();
        if ((sparse == null) != (density == null)) {
            throw new IllegalArgumentException("--sparse and --density go together: --sparse rigl --density 0.1");
        }
        SparseTraining sparseTraining = sparse == null ? null : SparseTraining.builder().setMethod(sparse)
                .setDensity(density).optDistribution(sparseDistribution).optUpdateEvery(updateEvery).optDropFraction(dropFraction)
                .optSeed(recipe.seed()).build();
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
        if (sparseTraining != null) {
            job.optListener(sparseTraining).optSetting("sparseTraining", sparseTraining.settings());
        }
        NeuronEquilibrium equilibrium = null;
        if (neq != null) {
            ImageDataset train = DataSets.load(data, dataDir, DataSets.Split.TRAIN);
            equilibrium = new NeuronEquilibrium(DataPipeline.evalLoader(data,
                    train.slice(0, Math.min(neqSamples, train.size()))), neq, 0.5);
            job.optListener(equilibrium).optSetting("neq", equilibrium.settings());
        }
        job.optListener(System.console() != null && !common.json
                ? new ProgressBarListener() : new EpochLogListener(System.err));
        Map<String, Object> result;
        try {
            result = job.build().run();
        } finally {
            if (sparseTraining != null) {
                sparseTraining.close();
            }
        }
        if (equilibrium != null) {
            result.put("neq", Map.of("frozenNeurons", equilibrium.frozenNeurons(), "neurons", equilibrium.neurons(),
                    "savedBackwardShare", equilibrium.savedBackwardShare()));
        }
        if (common.json) {
            System.out.println(CommonOptions.toJson(result));
        } else {
            System.out.printf("test accuracy %.2f%% after %d epochs (%.0f s training, %.0f s total)%n",
                    100 * (double) result.get("testAccuracy"), recipe.epochs(), (double) result.get("trainSeconds"),
                    (double) result.get("wallSeconds"));
            if (equilibrium != null) {
                System.out.printf("NEq: %d of %d neurons at equilibrium after the last epoch; %.1f%% of the "
                        + "weight-gradient work of the backward pass skipped%n", equilibrium.frozenNeurons(),
                        equilibrium.neurons(), 100 * equilibrium.savedBackwardShare());
            }
            if (out != null) {
                System.out.println("saved " + result.get("checkpoint"));
            }
        }
        return 0;
    }
}
