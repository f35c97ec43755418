package org.prune4j.cli;

import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.Normalizer;
import org.prune4j.model.ModelFormat;
import org.prune4j.model.Provenance;
import org.prune4j.onnx.OnnxFormat;
import org.prune4j.pruning.PruningJob;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.Scope;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.EpochLogListener;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code prune4j prune}: structured pruning of a trained model, with the evidence. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Remove channels from a trained model for real, fine-tune, and report accuracy, size, MACs "
                + "and measured latency before and after.")
final class PruneCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint file, run directory or ONNX file of the trained model.")
    String model;

    @Option(names = "--method", required = true, description = "Criterion: random, l1, l2, bn-scale, taylor, taylor-activation.")
    String method;

    @Option(names = "--target", required = true, description = "ratio=R (remove R of the channels), macs=Nx or params=Nx.")
    String target;

    @Option(names = "--scope", defaultValue = "uniform", description = "uniform or global (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--normalizer", defaultValue = "mean", description = "none, mean, max or sum (default: ${DEFAULT-VALUE}).")
    String normalizer;

    @Option(names = "--steps", defaultValue = "1", description = "Prune in this many equal steps.")
    int steps;

    @Option(names = "--ignore", split = ",", description = "Layers whose channels stay, e.g. stem.conv.")
    List<String> ignore = List.of();

    @Option(names = "--layer-ratio", description = "Fixed ratio for a layer's group, e.g. --layer-ratio fc1=0.5.")
    Map<String, Double> layerRatios = Map.of();

    @Option(names = "--min-channels", defaultValue = "1")
    int minChannels;

    @Option(names = "--round-to", defaultValue = "1", description = "Keep channel counts at multiples of N.")
    int roundTo;

    @Option(names = "--calibration-batches", defaultValue = "8", description = "Batches for data-driven criteria.")
    int calibrationBatches;

    @Option(names = "--finetune-epochs", defaultValue = "2")
    int fineTuneEpochs;

    @Option(names = "--finetune-epochs-between-steps", defaultValue = "0")
    int fineTuneBetween;

    @Option(names = "--finetune-lr", defaultValue = "0.01")
    double fineTuneLr;

    @Option(names = "--finetune-schedule", defaultValue = "cosine")
    String fineTuneSchedule;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--data", description = "Data set (default: the one the model was trained on).")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Option(names = "--out", description = "Where the pruned model goes: a file ending in .onnx (ONNX), "
            + "else a directory that gets model.p4j.")
    Path out;

    @Option(names = "--no-latency", description = "Skip the latency measurements.")
    boolean noLatency;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        Path base = ModelArgument.checkpointPath(model);
        ModelFormat inputFormat = OnnxFormat.forFile(base);
        PruningTarget parsedTarget = PruningTarget.parse(target);
        Scope parsedScope = Scope.parse(scope);
        Normalizer parsedNormalizer = Normalizer.parse(normalizer);
        ChannelCriteria.create(method, seed); // unknown names fail before any work
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optLearningRate(fineTuneLr)
                .optSchedule(fineTuneSchedule).setEpochs(Math.max(1, fineTuneEpochs)).optBatchSize(batchSize)
                .optSeed(seed).build();
        String dataName = data != null ? data : dataOf(base, inputFormat);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", method);
        settings.put("scope", parsedScope.name().toLowerCase(java.util.Locale.ROOT));
        settings.put("target", parsedTarget.toString());
        settings.put("normalizer", parsedNormalizer.name().toLowerCase(java.util.Locale.ROOT));
        settings.put("steps", steps);
        settings.put("ignoredLayers", ignore);
        settings.put("layerRatios", layerRatios);
        settings.put("minChannels", minChannels);
        settings.put("roundTo", roundTo);
        settings.put("calibrationBatches", calibrationBatches);
        settings.put("seed", seed);
        // Validate the pruner's settings now, before data and model are loaded.
        pruner(null, parsedTarget, parsedScope, parsedNormalizer).build();
        PruningJob.Builder job = PruningJob.builder().setBaseModel(base).setData(dataName).optDataDir(dataDir)
                .setPruner(loader -> pruner(loader, parsedTarget, parsedScope, parsedNormalizer), settings)
                .setFineTune(recipe, fineTuneEpochs).optFineTuneEpochsBetweenSteps(fineTuneBetween)
                .optInputFormat(inputFormat).optMeasureLatency(!noLatency)
                .optListener(new EpochLogListener(System.err));
        if (out != null) {
            ModelFormat outputFormat = OnnxFormat.forFile(out);
            job.optOutput(outputFormat == ModelFormat.CHECKPOINT ? out.resolve(PruningJob.MODEL_FILE) : out, outputFormat);
        }
        Map<String, Object> result = job.build().run();
        if (common.json) {
            System.out.println(CommonOptions.toJson(result));
        } else {
            print(result);
        }
        return 0;
    }

    private StructuredPruner.Builder pruner(org.prune4j.data.DataLoader loader, PruningTarget t, Scope s, Normalizer n) {
        StructuredPruner.Builder b = StructuredPruner.builder().setCriterion(method).setTarget(t).optScope(s)
                .optNormalizer(n).optSteps(steps).optIgnoredLayers(Set.copyOf(ignore)).optLayerRatios(layerRatios)
                .optMinChannels(minChannels).optRoundTo(roundTo).optSeed(seed);
        if (loader != null) {
            b.optCalibration(loader, calibrationBatches);
        }
        return b;
    }

    /** The data set a model was trained on, from its provenance; ONNX files from elsewhere do not say. */
    private static String dataOf(Path base, ModelFormat format) {
        Provenance provenance = format.readProvenance(base);
        if (format != ModelFormat.CHECKPOINT && ModelArgument.dataIn(provenance) == null) {
            throw new IllegalArgumentException("--data is required for " + base + ": the ONNX file does not say which "
                    + "data set it was trained on (one of " + org.prune4j.data.DataSets.NAMES + ")");
        }
        return ModelArgument.trainedOn(provenance);
    }

    private static void print(Map<String, Object> r) {
        System.out.printf("parameters %,d -> %,d (%.2fx), MACs %,d -> %,d (%.2fx)%n", r.get("paramsBefore"),
                r.get("paramsAfter"), r.get("paramReduction"), r.get("macsBefore"), r.get("macsAfter"), r.get("macReduction"));
        System.out.printf("accuracy %.2f%% before, %.2f%% after pruning, %.2f%% after fine-tuning%n",
                100 * (double) r.get("accuracyBefore"), 100 * (double) r.get("accuracyAfterPruning"),
                100 * (double) r.get("accuracyAfterFineTuning"));
        if (r.containsKey("speedUpBatch128")) {
            System.out.printf("measured speed-up %.2fx at batch 128, %.2fx at batch 1 (MAC reduction %.2fx)%n",
                    r.get("speedUpBatch128"), r.get("speedUpBatch1"), r.get("macReduction"));
        }
        if (r.containsKey("output")) {
            System.out.println("saved " + r.get("output"));
        }
    }
}
