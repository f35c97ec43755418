package org.prune4j.cli;

import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.model.Model;
import org.prune4j.smt.Fairify;
import org.prune4j.smt.FairifyReport;
import org.prune4j.smt.PartitionResult;
import org.prune4j.smt.Verdict;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j fairify}: SMT verification of individual fairness, partition by partition. */
@Command(name = "fairify", mixinStandardHelpOptions = true,
        description = "Verify individual fairness of a small fully connected network with Z3 (Fairify).")
final class FairifyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint or run directory of a binary classifier "
            + "made of linear layers and ReLUs (e.g. mlp trained on german-credit).")
    String model;

    @Option(names = "--protected", required = true, paramLabel = "FEATURE",
            description = "Index of the protected input feature (german-credit: 8, sex).")
    int protectedFeature;

    @Option(names = "--split", split = ",", paramLabel = "FEATURE",
            description = "Features whose range is cut into --pieces intervals to make the partitions.")
    List<Integer> split = List.of();

    @Option(names = "--pieces", defaultValue = "2", description = "Intervals per split feature (default: 2).")
    int pieces;

    @Option(names = "--around-test", paramLabel = "N", description = "Partitions around the first N test examples "
            + "of --data instead of the whole grid: the --split features over the piece that holds the example's "
            + "value, every other feature fixed to it (categorical attributes at their levels).")
    Integer aroundTest;

    @Option(names = "--data", defaultValue = "german-credit",
            description = "Data set of --around-test (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir")
    java.nio.file.Path dataDir;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "Solver time limit per partition.")
    int timeoutMillis;

    @Option(names = "--no-prune", description = "Encode every ReLU, without pruning those interval bounds prove stable.")
    boolean noPrune;

    @Option(names = "--smt2", paramLabel = "DIR", description = "Write each partition's query as SMT-LIB 2 into DIR.")
    java.nio.file.Path smt2;

    @Option(names = "--compare", description = "Run with and without the pruning and report both times.")
    boolean compare;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        try (Model m = ModelArgument.load(model)) {
            int[] features = split.stream().mapToInt(Integer::intValue).toArray();
            double[][] examples = aroundTest == null ? null : testExamples();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            StringBuilder text = new StringBuilder();
            for (boolean prune : compare ? new boolean[] {true, false} : new boolean[] {!noPrune}) {
                Fairify.Builder builder = Fairify.builder();
                if (examples != null) {
                    builder.optAroundExamples(examples);
                }
                FairifyReport r = builder.setModel(m).setProtectedFeature(protectedFeature)
                        .optSplits(features, pieces).optTimeoutMillis(timeoutMillis).optPruneStableUnits(prune)
                        .optSmtLibDir(smt2 == null ? null : smt2.resolve(prune ? "pruned" : "full")).build().run();
                out.put(prune ? "withPruning" : "withoutPruning", r.toMap());
                text.append(describe(r, features));
            }
            System.out.print(common.json ? CommonOptions.toJson(out) + System.lineSeparator() : text);
        }
        return 0;
    }

    /** The first {@code --around-test} test examples, one row of features each. */
    private double[][] testExamples() {
        if (aroundTest <= 0) {
            throw new IllegalArgumentException("--around-test must be positive, got " + aroundTest);
        }
        ImageDataset test = DataSets.load(data, dataDir, DataSets.Split.TEST);
        int n = Math.min(aroundTest, test.size());
        float[] sample = new float[test.channels() * test.height() * test.width()];
        double[][] examples = new double[n][sample.length];
        for (int i = 0; i < n; i++) {
            test.copySample(i, sample);
            for (int f = 0; f < sample.length; f++) {
                examples[i][f] = sample[f];
            }
        }
        return examples;
    }

    private static String describe(FairifyReport r, int[] features) {
        StringBuilder s = new StringBuilder(r.prunedStableUnits()
                ? "with stable ReLUs pruned from the encodings:\n" : "with every ReLU encoded:\n");
        for (PartitionResult p : r.partitions()) {
            StringBuilder box = new StringBuilder();
            for (int f : features) {
                box.append(String.format(Locale.ROOT, " x%d∈[%.3f, %.3f]", f, p.lower()[f], p.upper()[f]));
            }
            s.append(String.format(Locale.ROOT, "  partition %d%s: %s (%.2f s; %d of %d ReLUs pruned, %d linear)%n",
                    p.index(), box, p.verdict().name().toLowerCase(Locale.ROOT)
                            + (p.reasonUnknown() == null ? "" : ", " + p.reasonUnknown())
                            + (p.byBounds() ? " by interval bounds" : "")
                            + (p.counterexample() == null ? "" : p.confirmed() ? ", confirmed by running the twins"
                                    : ", NOT confirmed by running the twins"), p.seconds(), p.inactiveUnits(),
                    p.hiddenUnits(), p.activeUnits()));
        }
        s.append(String.format(Locale.ROOT, "  %d verified, %d counterexamples, %d unknown in %.2f s%n",
                r.count(Verdict.VERIFIED), r.count(Verdict.COUNTEREXAMPLE), r.count(Verdict.UNKNOWN), r.seconds()));
        return s.toString();
    }
}
