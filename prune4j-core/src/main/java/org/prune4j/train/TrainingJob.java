package org.prune4j.train;

import org.prune4j.data.DataLoader;
import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;
import org.prune4j.train.listener.CheckpointListener;
import org.prune4j.train.listener.MetricsFileListener;
import org.prune4j.train.listener.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a model from scratch on a named data set with a recipe, evaluates it on the test
 * split, and writes {@code model.p4j} and {@code metrics.jsonl} to an output directory. The
 * result map (test accuracy, summary, wall time, provenance) is what {@code train --json} prints.
 */
public final class TrainingJob {

    public static final String MODEL_FILE = "model.p4j";
    public static final String METRICS_FILE = "metrics.jsonl";

    private final String modelName;
    private final Graph graph;
    private final String dataName;
    private final Path dataDir;
    private final TrainingRecipe recipe;
    private final Path outDir;
    private final List<TrainingListener> listeners;
    private final Integer trainLimit;
    private final Map<String, Object> extraSettings;

    private TrainingJob(Builder b) {
        this.trainLimit = b.trainLimit;
        this.extraSettings = Map.copyOf(b.extraSettings);
        this.modelName = b.modelName;
        this.graph = b.graph;
        this.dataName = b.dataName;
        this.dataDir = b.dataDir;
        this.recipe = b.recipe;
        this.outDir = b.outDir;
        this.listeners = List.copyOf(b.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> run() {
        long start = System.nanoTime();
        ImageDataset train = DataSets.load(dataName, dataDir, DataSets.Split.TRAIN);
        if (trainLimit != null) {
            train = train.slice(0, Math.min(trainLimit, train.size()));
        }
        ImageDataset test = DataSets.load(dataName, dataDir, DataSets.Split.TEST);
        Engines.seed(recipe.seed());
        // what the model is; Trainer.fit adds how it was trained (the recipe)
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("model", modelName);
        settings.put("data", dataName);
        settings.put("seed", recipe.seed());
        settings.putAll(extraSettings);
        Provenance provenance = Provenance.of("init", settings, null);
        try (Model model = Model.builder().setGraph(graph).optSeed(recipe.seed()).optProvenance(provenance).build()) {
            DataLoader trainLoader = DataPipeline.trainLoader(dataName, train, recipe);
            DataLoader testLoader = DataPipeline.evalLoader(dataName, test);
            List<TrainingListener> all = new ArrayList<>(listeners);
            if (outDir != null) {
                all.add(new MetricsFileListener(outDir.resolve(METRICS_FILE)));
                all.add(new CheckpointListener(outDir.resolve(MODEL_FILE)));
            }
            List<EpochStats> history = Trainer.fit(model, recipe, trainLoader, all);
            EvalResult result = Evaluator.evaluate(model, testLoader);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", modelName);
            out.put("data", dataName);
            out.put("epochs", recipe.epochs());
            out.put("testAccuracy", result.top1());
            out.put("test", result.toMap());
            out.put("trainSeconds", history.stream().mapToDouble(EpochStats::seconds).sum());
            out.put("wallSeconds", (System.nanoTime() - start) / 1e9);
            out.put("summary", ModelSummary.of(graph).totals());
            List<Map<String, Object>> epochs = new ArrayList<>();
            history.forEach(h -> epochs.add(h.toMap()));
            out.put("history", epochs);
            if (outDir != null) {
                // CheckpointListener saved these weights after the last epoch.
                out.put("checkpoint", outDir.resolve(MODEL_FILE).toString());
            }
            out.put("provenance", model.provenance().toMap());
            return out;
        }
    }

    /** Model, data and recipe are required; without an output directory nothing is written. */
    public static final class Builder {
        private String modelName;
        private Graph graph;
        private String dataName;
        private Path dataDir;
        private TrainingRecipe recipe;
        private Path outDir;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Integer trainLimit;
        private final Map<String, Object> extraSettings = new LinkedHashMap<>();

        private Builder() {}

        /** A setting recorded in the provenance, e.g. a regularizer added as a listener. */
        public Builder optSetting(String key, Object value) {
            extraSettings.put(key, value);
            return this;
        }

        /** Trains on the first {@code n} training samples only (quick demos); null for all. */
        public Builder optTrainLimit(Integer n) {
            if (n != null && n <= 0) {
                throw new IllegalArgumentException("train limit must be positive, got " + n);
            }
            this.trainLimit = n;
            return this;
        }

        public Builder setModel(String name, Graph graph) {
            this.modelName = name;
            this.graph = graph;
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

        public Builder setRecipe(TrainingRecipe recipe) {
            this.recipe = recipe;
            return this;
        }

        public Builder optOutputDir(Path dir) {
            this.outDir = dir;
            return this;
        }

        public Builder optListener(TrainingListener listener) {
            listeners.add(listener);
            return this;
        }

        public TrainingJob build() {
            if (graph == null || dataName == null || recipe == null) {
                throw new IllegalArgumentException("TrainingJob needs setModel, setData and setRecipe");
            }
            return new TrainingJob(this);
        }
    }
}
