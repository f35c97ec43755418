package org.prune4j.cli;

import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.gating.ChannelGating;
import org.prune4j.gating.GatingEvaluation;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j gate}: input-dependent top-k channel gating of a trained model — accuracy and
 * the MACs each test input really needs, per share of channels kept, for the Hebbian predictor,
 * the oracle and the static choice of the same number of channels.
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Gate channels per input (top-k predicted from the previous layer) and report accuracy and executed MACs.")
final class GateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint or run directory of a trained model.")
    String model;

    @Option(names = "--data", description = "Data set (default: the one the model was trained on).")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Option(names = "--keep", split = ",", defaultValue = "0.25,0.5,0.75", paramLabel = "SHARE",
            description = "Shares of each gated layer's channels computed per input (default: ${DEFAULT-VALUE}).")
    List<Double> keep;

    @Option(names = "--modes", split = ",", defaultValue = "hebbian,static,oracle", paramLabel = "MODE",
            description = "hebbian (predicted), static (same channels for all inputs), oracle (true top-k; a bound) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--layers", split = ",", paramLabel = "NODE",
            description = "Gate only these conv/linear layers (default: every layer that can be gated).")
    List<String> layers;

    @Option(names = "--fit-batches", defaultValue = "100", paramLabel = "N",
            description = "Training batches the predictors learn from (default: ${DEFAULT-VALUE}).")
    int fitBatches;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate on the first N test examples only.")
    Integer limit;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        List<ChannelGating.Mode> parsed = modes.stream().map(ChannelGating.Mode::parse).toList();
        try (Model m = ModelArgument.load(model)) {
            String dataName = data != null ? data : ModelArgument.trainedOn(m.provenance());
            ImageDataset train = DataSets.load(dataName, dataDir, DataSets.Split.TRAIN);
            ImageDataset test = DataSets.load(dataName, dataDir, DataSets.Split.TEST);
            if (limit != null) {
                if (limit <= 0) {
                    throw new IllegalArgumentException("--limit must be positive, got " + limit);
                }
                test = test.slice(0, Math.min(limit, test.size()));
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            StringBuilder text = new StringBuilder(String.format("%-8s %6s %8s %16s %14s %9s%n", "mode", "keep",
                    "top-1", "executed MACs", "predictor MACs", "speed-up"));
            List<String> gated = null;
            for (double share : keep) {
                ChannelGating.Builder b = ChannelGating.builder().setModel(m)
                        .setData(DataPipeline.evalLoader(dataName, train)).optKeep(share).optBatches(fitBatches);
                ChannelGating gating = (layers == null ? b : b.optLayers(layers)).build();
                gated = gating.layers().stream().map(l -> l.group().root()).toList();
                for (ChannelGating.Mode mode : parsed) {
                    GatingEvaluation e = gating.evaluate(DataPipeline.evalLoader(dataName, test), mode);
                    rows.add(e.toMap());
                    text.append(String.format("%-8s %6.2f %7.2f%% %16.0f %14d %8.2fx%n", mode.name().toLowerCase(),
                            share, 100 * e.top1(), e.executedMacsPerSample(), e.predictorMacs(), e.speedup()));
                }
            }
            long dense = ModelSummary.of(m.graph()).macs();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("data", dataName);
            out.put("testSamples", test.size());
            out.put("gatedLayers", gated);
            out.put("denseMacs", dense);
            out.put("results", rows);
            text.append(String.format("dense MACs per sample: %d; gated layers: %s", dense, gated));
            System.out.println(common.json ? CommonOptions.toJson(out) : text);
        }
        return 0;
    }
}
