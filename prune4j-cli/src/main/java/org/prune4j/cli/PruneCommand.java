package org.prune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.measure.LatencyComparison;
import org.prune4j.criterion.Normalizer;
import org.prune4j.model.ModelFormat;
import org.prune4j.model.Provenance;
import org.prune4j.onnx.OnnxFormat;
import org.prune4j.pruning.PruningResult;
import org.prune4j.pruning.PruningRun;
import org.prune4j.pruning.PruningSchedule;
import org.prune4j.pruning.PruningSchedules;
import org.prune4j.pruning.regime.RegimeOptions;
import org.prune4j.pruning.regime.Regimes;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.EigenDamagePruner;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingJob;
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

    @Option(names = {"--criterion", "--method"}, required = true,
            description = "What ranks the channels: random, l1, l2, bn-scale, taylor, taylor-activation, or a registered one.")
    String criterion;

    @Option(names = "--target", required = true, description = "The budget: ratio=R (remove R of the channels), "
            + "macs=Nx, params=Nx or memory=Nx[@B] (weights plus activations at batch B, default 1).")
    String target;

    @Option(names = {"--scope", "--allocation"}, defaultValue = "uniform", description = "How the budget is shared "
            + "between layers: uniform, global, sensitivity (measured loss per layer; needs data), pa, fa, ma (share "
            + "of parameters, MACs, activation memory), gradient-redundancy (numerical rank of each layer's gradient; "
            + "needs data) (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--normalizer", defaultValue = "mean", description = "none, mean, max or sum (default: ${DEFAULT-VALUE}).")
    String normalizer;

    @Option(names = "--schedule", description = "The pruning schedule: oneshot, iterative or agp "
            + "(default: oneshot, or iterative when --steps is above 1).")
    String schedule;

    @Option(names = "--steps", defaultValue = "1", description = "Steps of the iterative schedule.")
    int steps;

    @Option(names = "--regime", description = "Prune while training instead of a schedule: slimming (L1 on "
            + "batch-norm scales, --criterion bn-scale), increg (per-channel L2 factors that grow while the criterion "
            + "would remove the channel), spp (per-channel pruning probabilities, masks sampled each batch), smcp "
            + "(soft input-channel masks over a dense copy; masked channels can come back), ap (Activating-while-"
            + "Pruning: raises the bias of kept ReLU channels most often at zero, beside any criterion; "
            + "--regime-passes pruning steps), gibbs (channel masks drawn from a Gibbs distribution over their "
            + "weights' energy, temperature annealed). The regime trains "
            + "--regime-epochs, the method then prunes for real, and --finetune-epochs follow.")
    String regime;

    @Option(names = "--regime-epochs", defaultValue = "2", description = "Epochs of the regime's training (per pass).")
    int regimeEpochs;

    @Option(names = "--regime-strength", description = "The regime's penalty or step (slimming: λ, default 1e-4; "
            + "increg: the factors' ceiling, default 1; spp: the probability step per update, default 0.075; "
            + "ap: the bias step, default 0.1; gibbs: the first temperature, default 1).")
    Double regimeStrength;

    @Option(names = "--regime-passes", defaultValue = "1", description = "Passes of multi-pass network slimming, "
            + "pruning steps of ap.")
    int regimePasses;

    @Option(names = "--ignore", split = ",", description = "Layers whose channels stay, e.g. stem.conv.")
    List<String> ignore = List.of();

    @Option(names = "--layer-ratio", description = "Fixed ratio for a layer's group, e.g. --layer-ratio fc1=0.5.")
    Map<String, Double> layerRatios = Map.of();

    @Option(names = "--min-channels", defaultValue = "1")
    int minChannels;

    @Option(names = "--round-to", description = "Keep channel counts at multiples of N (default: "
            + ONNX_ROUND_TO + " when --out is an ONNX file, whose runtime computes such counts fastest; else 1).")
    Integer roundToOption;

    @Option(names = "--calibration-batches", defaultValue = "8", description = "Batches for data-driven criteria.")
    int calibrationBatches;

    @Option(names = "--finetune-epochs", description = "Epochs after the last pruning step (default 2; 0 with --data none).")
    Integer fineTuneEpochsOption;

    @Option(names = "--finetune-epochs-between-steps", defaultValue = "0")
    int fineTuneBetween;

    @Option(names = "--finetune-lr", defaultValue = "0.01")
    double fineTuneLr;

    @Option(names = "--finetune-lr-schedule", defaultValue = "cosine",
            description = "Learning-rate schedule of fine-tuning: constant, step, cosine or onecycle.")
    String fineTuneSchedule;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--data", description = "Data set (default: the one the model was trained on); 'none' prunes "
            + "without data: criteria that read only the weights, no fine-tuning, no accuracy.")
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
        // Every setting is checked here, before data and model are loaded.
        Path base = ModelArgument.checkpointPath(model);
        ModelFormat inputFormat = OnnxFormat.forFile(base);
        boolean dataFree = NO_DATA.equals(data);
        int fineTuneEpochs = fineTuneEpochsOption != null ? fineTuneEpochsOption : dataFree ? 0 : 2;
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optLearningRate(fineTuneLr)
                .optLrSchedule(fineTuneSchedule).setEpochs(Math.max(1, fineTuneEpochs)).optBatchSize(batchSize)
                .optSeed(seed).build();
        ModelFormat outputFormat = out == null ? null : OnnxFormat.forFile(out);
        int roundTo = roundToOption != null ? roundToOption
                : outputFormat != null && outputFormat != ModelFormat.CHECKPOINT ? ONNX_ROUND_TO : 1;
        PruningMethod pruner = EigenDamagePruner.NAME.equals(criterion)
                ? EigenDamagePruner.builder().setTarget(PruningTarget.parse(target)).build()
                : StructuredPruner.builder().setCriterion(criterion)
                        .setTarget(PruningTarget.parse(target)).optAllocation(scope)
                        .optNormalizer(Normalizer.parse(normalizer)).optIgnoredLayers(Set.copyOf(ignore))
                        .optLayerRatios(layerRatios).optMinChannels(minChannels).optRoundTo(roundTo).optSeed(seed)
                        .build();
        PruningSchedule pruningSchedule;
        if (regime != null) {
            if (schedule != null || steps > 1 || fineTuneBetween > 0) {
                throw new IllegalArgumentException("--regime " + regime + " trains and prunes on its own schedule: drop "
                        + "--schedule, --steps and --finetune-epochs-between-steps");
            }
            pruningSchedule = Regimes.create(regime, new RegimeOptions(regimeEpochs,
                    regimeStrength == null ? Double.NaN : regimeStrength, regimePasses), seed);
        } else {
            String scheduleName = schedule != null ? schedule
                    : steps > 1 ? PruningSchedules.Iterative.NAME : PruningSchedules.OneShot.NAME;
            if (!scheduleName.equals(PruningSchedules.Iterative.NAME) && (steps > 1 || fineTuneBetween > 0)) {
                throw new IllegalArgumentException("--steps and --finetune-epochs-between-steps belong to the iterative "
                        + "schedule; --schedule " + scheduleName + " does not use them");
            }
            pruningSchedule = PruningSchedules.create(scheduleName, new PruningSchedules.Options(steps, fineTuneBetween));
        }
        Path outputFile = out == null ? null : outputFormat == ModelFormat.CHECKPOINT ? out.resolve(TrainingJob.MODEL_FILE) : out;

        if (dataFree && (fineTuneEpochs > 0 || fineTuneBetween > 0)) {
            throw new IllegalArgumentException("--data none cannot fine-tune: set --finetune-epochs 0"
                    + (fineTuneBetween > 0 ? " and --finetune-epochs-between-steps 0" : ""));
        }
        String dataName = dataFree ? NO_DATA : data != null ? data : dataOf(base, inputFormat);
        PruningRun.Builder run = PruningRun.builder().setReference(() -> inputFormat.load(base));
        if (dataFree) {
            run.setDataFree();
        } else {
            run.setData(DataSplits.load(dataName, dataDir, null, null, modelInput(base, inputFormat, dataName)));
        }
        PruningResult result = run.setMethod(pruner).setSchedule(pruningSchedule)
                .setFineTune(recipe, fineTuneEpochs).optCalibrationBatches(calibrationBatches)
                .optMeasureLatency(!noLatency).optSeed(seed).optListener(new EpochLogListener(System.err))
                .build().run(m -> {
                    if (outputFile != null) {
                        outputFormat.save(m, outputFile);
                    }
                });
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("baseModel", base.toString());
            json.put("data", dataName);
            json.putAll(new ObjectMapper().convertValue(result, Map.class));
            json.put("output", outputFile == null ? null : outputFile.toString());
            System.out.println(CommonOptions.toJson(json));
        } else {
            print(result, outputFile);
        }
        return 0;
    }

    private static final String NO_DATA = "none";

    /** The model's per-sample input shape when the data is brought to it (an image folder), else null. */
    private static ai.djl.ndarray.types.Shape modelInput(Path base, ModelFormat format, String dataName) {
        if (!org.prune4j.data.ImageFolder.NAME.equals(dataName)) {
            return null;
        }
        try (org.prune4j.model.Model m = format.load(base)) {
            return m.graph().inputShape();
        }
    }

    /** ONNX Runtime's CPU kernels work in blocks of 8 channels (AVX2: 8 floats); see docs/BENCHMARKS.md. */
    static final int ONNX_ROUND_TO = 8;

    /** The data set a model was trained on, from its provenance; ONNX files from elsewhere do not say. */
    private static String dataOf(Path base, ModelFormat format) {
        Provenance provenance = format.readProvenance(base);
        if (format != ModelFormat.CHECKPOINT && ModelArgument.dataIn(provenance) == null) {
            throw new IllegalArgumentException("--data is required for " + base + ": the ONNX file does not say which "
                    + "data set it was trained on (one of " + org.prune4j.data.DataSets.NAMES + ")");
        }
        return ModelArgument.trainedOn(provenance);
    }

    private static void print(PruningResult r, Path output) {
        System.out.printf("parameters %,d -> %,d (%.2fx), MACs %,d -> %,d (%.2fx)%n", r.reference().parameters(),
                r.pruned().parameters(), r.paramReduction(), r.reference().macs(), r.pruned().macs(), r.macReduction());
        if (r.accuracyBefore() == null) {
            System.out.println("accuracy and behaviour not measured: pruned without data (--data none)");
        } else {
            System.out.printf("accuracy %.2f%% before, %s after pruning, %.2f%% after fine-tuning%n",
                    100 * r.accuracyBefore(), r.accuracyAfterPruning() == null ? "-"
                            : String.format("%.2f%%", 100 * r.accuracyAfterPruning()), 100 * r.accuracyAfterFineTuning());
            System.out.println("behaviour (clean test set, dense -> pruned): " + r.behaviour().toText());
        }
        LatencyComparison.AtBatch b128 = r.measuredSpeedUp(128);
        LatencyComparison.AtBatch b1 = r.measuredSpeedUp(1);
        if (b128 != null) {
            System.out.printf("measured speed-up %s at batch 128, %s at batch 1 (MAC reduction %.2fx)%n",
                    b128.describe(), b1.describe(), r.macReduction());
        }
        if (output != null) {
            System.out.println("saved " + output);
        }
    }
}
