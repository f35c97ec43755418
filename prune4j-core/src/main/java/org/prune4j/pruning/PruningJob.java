package org.prune4j.pruning;

import org.prune4j.benchmark.LatencyBenchmark;
import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.ModelFormat;
import org.prune4j.model.Provenance;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.EvalResult;
import org.prune4j.train.Evaluator;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Prunes a trained model and proves the result: accuracy before, right after pruning and after
 * fine-tuning; parameters, MACs and per-layer channels before and after; measured latency
 * (batch 1 and 128) before and after, with the measured speed-up beside the MAC reduction.
 * The pruned model is written only when everything succeeded.
 */
public final class PruningJob {

    public static final String MODEL_FILE = "model.p4j";

    private final Path baseModel;
    private final String dataName;
    private final Path dataDir;
    private final Function<DataLoader, StructuredPruner.Builder> pruner;
    private final Map<String, Object> pruningSettings;
    private final TrainingRecipe fineTune;
    private final int fineTuneEpochs;
    private final int fineTuneEpochsBetweenSteps;
    private final ModelFormat inputFormat;
    private final Path output;
    private final ModelFormat outputFormat;
    private final boolean measureLatency;
    private final List<TrainingListener> listeners;

    private PruningJob(Builder b) {
        this.baseModel = b.baseModel;
        this.dataName = b.dataName;
        this.dataDir = b.dataDir;
        this.pruner = b.pruner;
        this.pruningSettings = b.pruningSettings;
        this.fineTune = b.fineTune;
        this.fineTuneEpochs = b.fineTuneEpochs;
        this.fineTuneEpochsBetweenSteps = b.fineTuneEpochsBetweenSteps;
        this.inputFormat = b.inputFormat;
        this.output = b.output;
        this.outputFormat = b.outputFormat;
        this.measureLatency = b.measureLatency;
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> run() {
        long start = System.nanoTime();
        ImageDataset train = DataSets.load(dataName, dataDir, DataSets.Split.TRAIN);
        ImageDataset test = DataSets.load(dataName, dataDir, DataSets.Split.TEST);
        DataLoader testLoader = DataPipeline.evalLoader(dataName, test);
        DataLoader trainLoader = DataPipeline.trainLoader(dataName, train, fineTune);
        Map<String, Object> out = new LinkedHashMap<>();
        try (Model model = inputFormat.load(baseModel)) {
            ModelSummary before = ModelSummary.of(model.graph());
            Map<String, Long> channelsBefore = channels(model);
            out.put("baseModel", baseModel.toString());
            out.put("accuracyBefore", Evaluator.evaluate(model, testLoader).top1());

            long pruneStart = System.nanoTime();
            StructuredPruner.Builder pb = pruner.apply(trainLoader);
            if (fineTuneEpochsBetweenSteps > 0) {
                pb.optBetweenSteps((m, step) -> fineTune(m, trainLoader, fineTuneEpochsBetweenSteps));
            }
            List<StructuredPruner.StepRecord> steps = pb.build().prune(model, null);
            double pruneSeconds = (System.nanoTime() - pruneStart) / 1e9;
            EvalResult afterPruning = Evaluator.evaluate(model, testLoader);

            long ftStart = System.nanoTime();
            fineTune(model, trainLoader, fineTuneEpochs);
            double fineTuneSeconds = (System.nanoTime() - ftStart) / 1e9;
            EvalResult afterFineTune = Evaluator.evaluate(model, testLoader);
            ModelSummary after = ModelSummary.of(model.graph());

            out.put("accuracyAfterPruning", afterPruning.top1());
            out.put("accuracyAfterFineTuning", afterFineTune.top1());
            out.put("paramsBefore", before.parameters());
            out.put("paramsAfter", after.parameters());
            out.put("macsBefore", before.macs());
            out.put("macsAfter", after.macs());
            double macReduction = before.macs() / (double) after.macs();
            out.put("macReduction", macReduction);
            out.put("paramReduction", before.parameters() / (double) after.parameters());
            if (measureLatency) {
                Map<String, Map<String, Object>> latency;
                try (Model base = inputFormat.load(baseModel)) {
                    latency = LatencyBenchmark.compare(base, model);
                }
                Map<String, Object> latencyBefore = latency.get("first");
                Map<String, Object> latencyAfter = latency.get("second");
                out.put("latencyForm", "batch norm folded; faster of contiguous and channels-last per model and batch;"
                        + " median of 5 interleaved rounds");
                out.put("latencyBefore", latencyBefore);
                out.put("latencyAfter", latencyAfter);
                for (String batch : List.of("1", "128")) {
                    String key = "batch" + batch + "Ms";
                    double speedUp = (double) latencyBefore.get(key) / (double) latencyAfter.get(key);
                    out.put("speedUpBatch" + batch, speedUp);
                    out.put("speedUpOverMacReductionBatch" + batch, speedUp / macReduction);
                }
            }
            Map<String, Object> layers = new LinkedHashMap<>();
            Map<String, Long> channelsAfter = channels(model);
            channelsBefore.forEach((node, c) -> layers.put(node, List.of(c, channelsAfter.get(node))));
            out.put("channels", layers);
            List<Map<String, Object>> stepMaps = new ArrayList<>();
            for (StructuredPruner.StepRecord r : steps) {
                stepMaps.add(Map.of("step", r.step(), "macsAfter", r.macsAfter(), "paramsAfter", r.paramsAfter(),
                        "channelsRemoved", r.channelsRemoved()));
            }
            out.put("steps", stepMaps);
            out.put("pruneSeconds", pruneSeconds);
            out.put("fineTuneSeconds", fineTuneSeconds);
            out.put("wallSeconds", (System.nanoTime() - start) / 1e9);

            Map<String, Object> settings = new LinkedHashMap<>(pruningSettings);
            settings.put("baseModel", baseModel.toString());
            settings.put("data", dataName);
            Map<String, Object> recipe = new LinkedHashMap<>(fineTune.toMap());
            recipe.put("epochs", fineTuneEpochs);
            settings.put("fineTune", recipe);
            settings.put("fineTuneEpochsBetweenSteps", fineTuneEpochsBetweenSteps);
            Provenance provenance = Provenance.of("prune", settings, model.provenance());
            model.setProvenance(provenance);
            out.put("provenance", provenance.toMap());
            if (output != null) {
                outputFormat.save(model, output);
                out.put("output", output.toString());
            }
        }
        return out;
    }

    private void fineTune(Model model, DataLoader loader, int epochs) {
        if (epochs == 0) {
            return;
        }
        Trainer.fit(model, fineTune.withEpochs(epochs), loader, listeners);
    }

    /** Output channels (features) of every conv and linear layer. */
    private static Map<String, Long> channels(Model model) {
        Map<String, Long> c = new LinkedHashMap<>();
        for (Node n : model.graph().nodes()) {
            if (n.op() instanceof Conv2dOp || n.op() instanceof LinearOp) {
                c.put(n.name(), model.graph().shapeOf(n.name()).get(0));
            }
        }
        return c;
    }

    /** Base model, data, pruner and fine-tune recipe are required. */
    public static final class Builder {
        private Path baseModel;
        private String dataName;
        private Path dataDir;
        private Function<DataLoader, StructuredPruner.Builder> pruner;
        private Map<String, Object> pruningSettings = Map.of();
        private TrainingRecipe fineTune;
        private int fineTuneEpochs;
        private int fineTuneEpochsBetweenSteps;
        private ModelFormat inputFormat = ModelFormat.CHECKPOINT;
        private Path output;
        private ModelFormat outputFormat = ModelFormat.CHECKPOINT;
        private boolean measureLatency = true;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder() {}

        public Builder setBaseModel(Path checkpoint) {
            this.baseModel = checkpoint;
            return this;
        }

        /** How the base model file is read (default: a prune4j checkpoint). */
        public Builder optInputFormat(ModelFormat format) {
            this.inputFormat = format;
            return this;
        }

        public Builder setData(String name) {
            this.dataName = name;
            return this;
        }

        public Builder optDataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * The pruner, made from the training loader (which data-driven criteria calibrate on);
         * {@code settings} describe it in the provenance.
         */
        public Builder setPruner(Function<DataLoader, StructuredPruner.Builder> pruner, Map<String, Object> settings) {
            this.pruner = pruner;
            this.pruningSettings = settings;
            return this;
        }

        /** Fine-tuning after the last step: the recipe's settings for {@code epochs} epochs (0: none). */
        public Builder setFineTune(TrainingRecipe recipe, int epochs) {
            this.fineTune = recipe;
            this.fineTuneEpochs = epochs;
            return this;
        }

        public Builder optFineTuneEpochsBetweenSteps(int epochs) {
            this.fineTuneEpochsBetweenSteps = epochs;
            return this;
        }

        /** Where and how the pruned, fine-tuned model is written (default: not written). */
        public Builder optOutput(Path file, ModelFormat format) {
            this.output = file;
            this.outputFormat = format;
            return this;
        }

        public Builder optMeasureLatency(boolean measure) {
            this.measureLatency = measure;
            return this;
        }

        public Builder optListener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        public PruningJob build() {
            if (baseModel == null || dataName == null || pruner == null || fineTune == null) {
                throw new IllegalArgumentException("PruningJob needs setBaseModel, setData, setPruner and setFineTune");
            }
            if (fineTuneEpochs < 0 || fineTuneEpochsBetweenSteps < 0) {
                throw new IllegalArgumentException("fine-tune epochs must be 0 or more, got " + fineTuneEpochs
                        + " and " + fineTuneEpochsBetweenSteps + " between steps");
            }
            return new PruningJob(this);
        }
    }
}
