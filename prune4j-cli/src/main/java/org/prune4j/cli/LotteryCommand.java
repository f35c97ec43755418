package org.prune4j.cli;

import org.prune4j.data.ImageDataset;
import org.prune4j.lottery.Control;
import org.prune4j.lottery.IterativeMagnitudePruning;
import org.prune4j.lottery.LotteryResult;
import org.prune4j.lottery.MaxLearningRate;
import org.prune4j.lottery.Rewind;
import org.prune4j.model.Model;
import org.prune4j.report.BehaviourCharts;
import org.prune4j.report.LotteryCharts;
import org.prune4j.report.LotteryReport;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j lottery}: iterative magnitude pruning with rewinding, and its controls. */
@Command(name = "lottery", mixinStandardHelpOptions = true,
        description = "Find a lottery ticket: train a zoo model, then prune a share of its weights per round by "
                + "magnitude, rewind and retrain; report the accuracy per round next to the controls'.")
final class LotteryCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Zoo architecture, e.g. mlp (LeNet-300-100), lenet5.")
    String model;

    @Option(names = "--width", defaultValue = "1.0", description = "Width multiplier of the architecture.")
    double width;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "Data set (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Option(names = "--limit", description = "Train on the first N training images only (quick demos).")
    Integer limit;

    @Mixin
    RecipeOptions training;

    @Option(names = "--rewind", defaultValue = "init", description = "After pruning: init, iteration:K (weights at "
            + "step K of the dense training), lr, lr:K (trained weights, schedule replayed from step K) or finetune "
            + "(trained weights, the schedule's last rate) (default: ${DEFAULT-VALUE}).")
    String rewind;

    @Option(names = "--rate", defaultValue = "0.2",
            description = "Share of the remaining prunable weights removed per round (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rounds", description = "Number of rounds (default: as many as --target-density needs).")
    Integer rounds;

    @Option(names = "--target-density", defaultValue = "0.1",
            description = "Prune until at most this share of the prunable weights is left (default: ${DEFAULT-VALUE}).")
    double targetDensity;

    @Option(names = "--method", defaultValue = "global-magnitude",
            description = "global-magnitude or layer-magnitude (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--include-classifier", description = "Also prune the classifier's weights.")
    boolean includeClassifier;

    @Option(names = "--controls", split = ",", paramLabel = "NAME", defaultValue = "reinit,random-masks",
            description = "Controls trained each round like the ticket: reinit, random-masks, or none "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> controls;

    @Option(names = "--splits", defaultValue = "1", description = "COLT: find each round's masks on this many equal "
            + "parts of the training data, from the initialization, and keep their overlap (default: ${DEFAULT-VALUE}, "
            + "plain iterative magnitude pruning).")
    int splits;

    @Option(names = "--max-lr", defaultValue = "constant", description = "Peak learning rate of each round's "
            + "retraining: constant (the dense training's), silo (SILO: grows in an S shape from 1x to 3x it over the "
            + "rounds) or silo:LOW,HIGH,STEEPNESS (default: ${DEFAULT-VALUE}).")
    String maxLr;

    @Option(names = "--oracle-grid", split = ",", paramLabel = "RATE", description = "SILO's oracle: retrain each "
            + "round once per peak rate and keep the best on the test set (an upper bound), e.g. 0.05,0.1,0.2,0.4.")
    double[] oracleGrid;

    @Option(names = "--out", description = "Directory for dense.p4j, ticket.p4j, lottery.json and lottery.png.")
    Path out;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        TrainingRecipe recipe = training.recipe();
        Rewind rewindAt = Rewind.parse(rewind);
        MaxLearningRate peak = MaxLearningRate.parse(maxLr);
        EnumSet<Control> chosen = EnumSet.noneOf(Control.class);
        if (!controls.equals(List.of("none"))) {
            controls.forEach(c -> chosen.add(Control.parse(c)));
        }
        DataSplits dataSplits = DataSplits.load(data, dataDir, limit, null);
        ImageDataset test = dataSplits.test();
        ZooOptions options = new ZooOptions(test.channels(), test.height(), test.numClasses(), width);
        try (Model m = Model.builder().setGraph(ModelZoo.build(model, options)).optSeed(recipe.seed()).build()) {
            IterativeMagnitudePruning.Builder imp = IterativeMagnitudePruning.builder().setModel(m).setData(dataSplits)
                    .setTraining(recipe).optRewind(rewindAt).optRate(rate).optMethod(method)
                    .optIncludeClassifier(includeClassifier).optControls(chosen).optSplits(splits).optMaxLearningRate(peak)
                    .optOracleGrid(oracleGrid == null ? new double[0] : oracleGrid).optOutputDir(out)
                    .optLog(System.err::println);
            if (rounds != null) {
                imp.optRounds(rounds);
            } else {
                imp.optTargetDensity(targetDensity);
            }
            IterativeMagnitudePruning search = imp.build(); // checks the settings before any training
            if (out != null) {
                createDirectories(out);
            }
            LotteryResult result = search.run();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", model);
            json.putAll(result.toMap());
            if (out != null) {
                write(out.resolve("lottery.json"), CommonOptions.toJson(json));
                BehaviourCharts.savePng(LotteryCharts.accuracyPerRound(model,
                        Map.of(LotteryReport.variant(result), List.of(result))), out, "lottery");
            }
            System.out.print(common.json ? CommonOptions.toJson(json) + System.lineSeparator() : table(result));
        }
        return 0;
    }

    private static String table(LotteryResult r) {
        StringBuilder s = new StringBuilder(String.format("dense: %.2f%%%n", 100 * r.denseTop1()));
        List<String> controlNames = r.rounds().isEmpty() ? List.of() : List.copyOf(r.rounds().get(0).controls().keySet());
        s.append(String.format("%-6s %10s %12s %9s", "round", "weights", "compression", "ticket"));
        controlNames.forEach(c -> s.append(String.format(" %13s", c)));
        s.append(System.lineSeparator());
        for (LotteryResult.Round round : r.rounds()) {
            s.append(String.format("%-6d %9.2f%% %11.2fx %8.2f%%", round.round(), 100 * round.density(),
                    round.compression(), 100 * round.top1()));
            controlNames.forEach(c -> s.append(String.format(" %12.2f%%", 100 * round.controls().get(c))));
            s.append(System.lineSeparator());
        }
        return s.toString();
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
