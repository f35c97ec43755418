package org.prune4j.experiment;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.prune4j.data.DataSets;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.Normalizer;
import org.prune4j.pruning.EigenDamagePruner;
import org.prune4j.pruning.PruningSchedules;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.pruning.allocation.Allocations;
import org.prune4j.pruning.regime.Regime;
import org.prune4j.pruning.regime.RegimeOptions;
import org.prune4j.pruning.regime.Regimes;
import org.prune4j.sparsity.UnstructuredMethods;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.optim.Optimizers;
import org.prune4j.train.schedule.Schedules;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooArchitecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A declared experiment: models (zoo names or checkpoints), data, the dense training recipe (for
 * zoo models and for pruning at initialization), fine-tuning, seeds, unstructured methods with
 * ShrinkBench compression ratios (4 = keep a quarter of the parameters), structured methods
 * with budgets, and the pruning schedule. Read from YAML or JSON; everything is checked before
 * any run starts, and errors name the file, the key and the allowed values.
 *
 * <pre>
 * name: lenet5-quick
 * models: [lenet5]
 * data: fashion-mnist
 * train_limit: 12000
 * pretrain: {epochs: 3, lr: 0.1, lr_schedule: onecycle}
 * finetune: {epochs: 1, lr: 0.01, lr_schedule: cosine}
 * seeds: [0]
 * methods: [global-magnitude, layer-magnitude, random, snip]
 * compressions: [2, 4, 8]
 * structured: {criteria: [l1], allocations: [global, sensitivity], targets: [macs=2x]}
 * schedule: oneshot
 * evaluate: {corruptions: [gaussian-noise, rotation], severities: [1, 3, 5]}
 * </pre>
 *
 * <p>{@code schedule} is the pruning schedule of every run ({@code oneshot}, {@code iterative}
 * with {@code schedule_steps}, {@code agp}); a recipe's {@code lr_schedule} is its learning-rate
 * schedule. {@code evaluate} (see {@link BehaviourSettings}) adds behaviour beyond accuracy to every run;
 * {@code lottery} (see {@link LotterySpec}) adds iterative magnitude pruning runs with rewinding;
 * {@code from_scratch: true} adds to every pruning run a twin that trains the same pruned
 * architecture (and masks) from a new initialization for the dense plus the fine-tuning epochs.
 */
public record BenchSpec(Path file, String name, List<String> models, String data, Path dataDir,
        Integer trainLimit, Integer testLimit, TrainingRecipe pretrain, TrainingRecipe fineTune,
        List<Long> seeds, List<String> methods, List<Double> compressions, String schedule, int scheduleSteps,
        int calibrationBatches, boolean includeClassifier, List<String> structuredCriteria, List<String> structuredAllocations,
        List<String> structuredTargets, String structuredNormalizer, int structuredRoundTo, boolean measureLatency,
        BehaviourSettings evaluate, LotterySpec lottery, boolean fromScratch, List<Map<String, Object>> regimes,
        boolean equalEpochs) {

    private static final Set<String> KEYS = Set.of("name", "models", "data", "data_dir", "train_limit", "test_limit",
            "pretrain", "finetune", "seeds", "methods", "compressions", "schedule", "schedule_steps",
            "calibration_batches", "include_classifier", "structured", "latency", "evaluate", "lottery",
            "from_scratch", "regimes", "regime_epochs", "regime_strength", "regime_passes", "equal_epochs");
    private static final Set<String> RECIPE_KEYS = Set.of("epochs", "lr", "lr_schedule", "optimizer", "momentum",
            "nesterov", "weight_decay", "batch_size", "warmup_epochs", "augment");
    private static final Set<String> STRUCTURED_KEYS = Set.of("criteria", "scope", "allocations", "targets", "normalizer", "round_to");

    public static BenchSpec read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SpecException(file, "", "no such file");
        }
        JsonNode root;
        try {
            String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
            ObjectMapper mapper = lower.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
            root = mapper.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new SpecException(file, "", "not valid YAML/JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new SpecException(file, "", "cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(file, "", "is empty");
        }
        return parse(file, root);
    }

    static BenchSpec parse(Path file, JsonNode root) {
        SpecReader r = new SpecReader(file);
        r.allowOnly(root, "", KEYS);
        String name = r.string(root, "", "name", file.getFileName().toString());
        String data = r.string(root, "", "data", null);
        if (!DataSets.NAMES.contains(data)) {
            throw r.error("data", "unknown data set '" + data + "'; allowed: " + DataSets.NAMES);
        }
        String dataDir = r.string(root, "", "data_dir", "");
        List<String> models = r.list(root, "", "models", true, e -> {
            String m = r.stringElement(e);
            if (ModelZoo.contains(m)) {
                return m;
            }
            Path f = checkpointPath(file, m);
            if (!Files.isRegularFile(f)) {
                throw r.error(e.path(), "'" + m + "' is neither a zoo model "
                        + ModelZoo.architectures().stream().map(ZooArchitecture::name).toList()
                        + " nor an existing checkpoint file");
            }
            if (!isZip(f)) {
                throw r.error(e.path(), "'" + m + "' is not a prune4j checkpoint (a .p4j zip written by train or prune);"
                        + " ONNX files are pruned with 'prune4j prune'");
            }
            return m;
        });
        TrainingRecipe pretrain = recipe(r, root, "pretrain", TrainingRecipe.defaults(15, 0));
        TrainingRecipe fineTune = recipe(r, root, "finetune", TrainingRecipe.fineTuneDefaults());
        List<Long> seeds = r.list(root, "", "seeds", false, e -> {
            if (!e.node().isIntegralNumber() || e.node().asLong() < 0) {
                throw r.error(e.path(), "expected a whole number >= 0, got " + SpecReader.describe(e.node()));
            }
            return e.node().asLong();
        });
        if (seeds.isEmpty()) {
            seeds = List.of(0L);
        }
        List<String> methods = r.list(root, "", "methods", false, e -> {
            String m = r.stringElement(e).toLowerCase(Locale.ROOT);
            if (!UnstructuredMethods.exists(m)) {
                throw r.error(e.path(), "unknown method '" + m + "'; allowed: " + UnstructuredMethods.names());
            }
            return m;
        });
        List<Double> compressions = r.list(root, "", "compressions", false, e -> {
            if (!e.node().isNumber() || e.node().asDouble() < 1) {
                throw r.error(e.path(), "a compression ratio must be a number >= 1 (4 keeps a quarter of the "
                        + "parameters), got " + SpecReader.describe(e.node()));
            }
            return e.node().asDouble();
        });
        boolean needsCompressions = methods.stream()
                .anyMatch(m -> !UnstructuredMethods.get(m).keepRule().fixedFraction());
        if (needsCompressions && compressions.isEmpty()) {
            throw r.error("compressions", "is required when 'methods' lists unstructured methods (e.g. [2, 4, 8])");
        }
        String schedule = r.string(root, "", "schedule", PruningSchedules.OneShot.NAME);
        if (!PruningSchedules.names().contains(schedule)) {
            throw r.error("schedule", "unknown pruning schedule '" + schedule + "'; allowed: " + PruningSchedules.names());
        }
        int steps = r.integer(root, "", "schedule_steps", 3, 1);
        int calibration = r.integer(root, "", "calibration_batches", 8, 1);
        boolean includeClassifier = r.bool(root, "", "include_classifier", false);
        boolean latency = r.bool(root, "", "latency", true);

        List<String> criteria = List.of();
        List<String> allocations = List.of();
        List<Map<String, Object>> regimes = List.of();
        boolean equalEpochs = false;
        List<String> targets = List.of();
        String normalizer = "mean";
        int roundTo = 1;
        JsonNode structured = root.get("structured");
        if (structured != null && !structured.isNull()) {
            if (structured.has("methods")) {
                throw r.error("structured.methods", "renamed: structured pruning ranks channels by 'criteria' "
                        + "(e.g. criteria: [l1, taylor])");
            }
            r.allowOnly(structured, "structured", STRUCTURED_KEYS);
            criteria = r.list(structured, "structured", "criteria", true, e -> {
                String m = r.stringElement(e).toLowerCase(Locale.ROOT);
                if (!ChannelCriteria.exists(m) && !EigenDamagePruner.NAME.equals(m)) {
                    throw r.error(e.path(), "unknown criterion '" + m + "'; allowed: " + ChannelCriteria.names()
                            + " and " + EigenDamagePruner.NAME);
                }
                return m;
            });
            if (structured.has("scope") && structured.has("allocations")) {
                throw r.error("structured.scope", "give either 'scope' (one allocation) or 'allocations' (a list)");
            }
            allocations = structured.has("allocations")
                    ? r.list(structured, "structured", "allocations", true, e -> allocation(r, e.path(), r.stringElement(e)))
                    : List.of(allocation(r, "structured.scope", r.string(structured, "structured", "scope", "global")));
            targets = r.list(structured, "structured", "targets", true, e -> {
                String t = r.stringElement(e);
                try {
                    PruningTarget.parse(t);
                } catch (IllegalArgumentException ex) {
                    throw r.error(e.path(), ex.getMessage());
                }
                return t;
            });
            normalizer = r.string(structured, "structured", "normalizer", "mean");
            try {
                normalizer = Normalizer.parse(normalizer).name().toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException ex) {
                throw r.error("structured.normalizer", ex.getMessage());
            }
            roundTo = r.integer(structured, "structured", "round_to", 1, 1);
        }
        regimes = regimes(r, root, criteria, methods);
        equalEpochs = r.bool(root, "", "equal_epochs", false);
        LotterySpec lottery = LotterySpec.read(r, root);
        if (methods.isEmpty() && criteria.isEmpty() && lottery == null) {
            throw r.error("methods", "no method to run: list unstructured 'methods', 'structured.criteria' or a 'lottery'");
        }
        if (lottery != null) {
            for (String m : models) {
                if (!ModelZoo.contains(m)) {
                    throw r.error("models", "lottery runs train their model from its initialization, so they need a zoo "
                            + "model; '" + m + "' is a checkpoint");
                }
            }
        }
        Builder b = new Builder();
        b.file = file;
        b.name = name;
        b.models = models;
        b.data = data;
        b.dataDir = dataDir.isEmpty() ? null : Path.of(dataDir);
        b.trainLimit = r.optionalInteger(root, "", "train_limit", 1);
        b.testLimit = r.optionalInteger(root, "", "test_limit", 1);
        b.pretrain = pretrain;
        b.fineTune = fineTune;
        b.seeds = List.copyOf(seeds);
        b.methods = methods;
        b.compressions = compressions;
        b.schedule = schedule;
        b.scheduleSteps = steps;
        b.calibrationBatches = calibration;
        b.includeClassifier = includeClassifier;
        b.structuredCriteria = criteria;
        b.structuredAllocations = allocations;
        b.structuredTargets = targets;
        b.structuredNormalizer = normalizer;
        b.structuredRoundTo = roundTo;
        b.measureLatency = latency;
        b.evaluate = BehaviourSettings.read(r, root);
        b.lottery = lottery;
        b.fromScratch = r.bool(root, "", "from_scratch", false);
        b.regimes = regimes;
        b.equalEpochs = equalEpochs;
        return b.build();
    }

    /** The spec's fields by name: the parser fills them after checking each, then builds the record. */
    private static final class Builder {
        private Path file;
        private String name;
        private List<String> models;
        private String data;
        private Path dataDir;
        private Integer trainLimit;
        private Integer testLimit;
        private TrainingRecipe pretrain;
        private TrainingRecipe fineTune;
        private List<Long> seeds;
        private List<String> methods;
        private List<Double> compressions;
        private String schedule;
        private int scheduleSteps;
        private int calibrationBatches;
        private boolean includeClassifier;
        private List<String> structuredCriteria;
        private List<String> structuredAllocations;
        private List<String> structuredTargets;
        private String structuredNormalizer;
        private int structuredRoundTo;
        private boolean measureLatency;
        private BehaviourSettings evaluate;
        private LotterySpec lottery;
        private boolean fromScratch;
        private List<Map<String, Object>> regimes;
        private boolean equalEpochs;

        private BenchSpec build() {
            return new BenchSpec(file, name, models, data, dataDir, trainLimit, testLimit, pretrain, fineTune, seeds,
                    methods, compressions, schedule, scheduleSteps, calibrationBatches, includeClassifier,
                    structuredCriteria, structuredAllocations, structuredTargets, structuredNormalizer, structuredRoundTo,
                    measureLatency, evaluate, lottery, fromScratch, regimes, equalEpochs);
        }
    }

    /**
     * The spec's {@code regimes}, each with the shared {@code regime_epochs}, {@code regime_passes}
     * and (when given) {@code regime_strength}. Each runs with every structured criterion and
     * unstructured method it accepts (slimming takes bn-scale only, unify and scl unstructured
     * methods with a compression), and must accept one at least.
     */
    private static List<Map<String, Object>> regimes(SpecReader r, JsonNode root, List<String> criteria,
            List<String> methods) {
        if (!root.has("regimes")) {
            return List.of();
        }
        int epochs = r.integer(root, "", "regime_epochs", RegimeOptions.defaults().epochs(), 1);
        int passes = r.integer(root, "", "regime_passes", 1, 1);
        Double strength = root.has("regime_strength")
                ? r.number(root, "", "regime_strength", 1, Double.MIN_VALUE) : null;
        return r.list(root, "", "regimes", true, e -> {
            Map<String, Object> regime = new java.util.TreeMap<>();
            regime.put("name", r.stringElement(e).toLowerCase(Locale.ROOT));
            regime.put("epochs", epochs);
            regime.put("passes", passes);
            if (strength != null) {
                regime.put("strength", strength);
            }
            try {
                Regime made = Regimes.create((String) regime.get("name"), regimeOptions(regime), 0);
                List<String> refusals = new java.util.ArrayList<>();
                List<PruningMethod> candidates = new java.util.ArrayList<>();
                criteria.forEach(c -> candidates.add(structuredMethod(c)));
                methods.forEach(m -> candidates.add(unstructuredMethod(m)));
                for (PruningMethod m : candidates) {
                    try {
                        made.check(m);
                    } catch (IllegalArgumentException refused) {
                        refusals.add(refused.getMessage());
                    }
                }
                if (refusals.size() == candidates.size()) {
                    throw new IllegalArgumentException("accepts none of the criteria " + criteria + " and methods "
                            + methods + (refusals.isEmpty() ? "" : ": " + refusals.get(0)));
                }
            } catch (IllegalArgumentException ex) {
                throw r.error(e.path(), ex.getMessage());
            }
            return Map.copyOf(regime);
        });
    }

    /** A regime's options from its spec map. */
    static RegimeOptions regimeOptions(Map<String, Object> regime) {
        Object strength = regime.get("strength");
        return new RegimeOptions((Integer) regime.get("epochs"),
                strength == null ? Double.NaN : ((Number) strength).doubleValue(), (Integer) regime.get("passes"));
    }

    /** Whether {@code regime} can steer a structured run ranking by {@code criterion}. */
    static boolean acceptsCriterion(Map<String, Object> regime, String criterion) {
        return accepts(regime, structuredMethod(criterion));
    }

    /** Whether {@code regime} can steer an unstructured run of {@code method}. */
    static boolean acceptsMethod(Map<String, Object> regime, String method) {
        return accepts(regime, unstructuredMethod(method));
    }

    private static boolean accepts(Map<String, Object> regime, PruningMethod method) {
        try {
            Regimes.create((String) regime.get("name"), regimeOptions(regime), 0).check(method);
            return true;
        } catch (IllegalArgumentException refused) {
            return false;
        }
    }

    /** The total epochs a regime trains (its own and the fine-tuning after each pass). */
    static int regimeTotalEpochs(Map<String, Object> regime, int fineTuneEpochs) {
        return Regimes.create((String) regime.get("name"), regimeOptions(regime), 0).totalEpochs(fineTuneEpochs);
    }

    /** An unstructured method as a regime sees it (any compression; N:M patterns have none). */
    private static PruningMethod unstructuredMethod(String method) {
        var b = UnstructuredPruner.builder().setMethod(method);
        return UnstructuredMethods.get(method).keepRule().fixedFraction() ? b.build() : b.setCompression(2).build();
    }

    private static PruningMethod structuredMethod(String criterion) {
        PruningTarget any = PruningTarget.parse("macs=2x");
        return EigenDamagePruner.NAME.equals(criterion) ? EigenDamagePruner.builder().setTarget(any).build()
                : StructuredPruner.builder().setCriterion(criterion).setTarget(any).build();
    }

    /** An allocation name, checked ({@code structured.scope} is the older one-allocation form of {@code allocations}). */
    private static String allocation(SpecReader r, String path, String name) {
        try {
            return Allocations.create(name).name();
        } catch (IllegalArgumentException ex) {
            throw r.error(path, ex.getMessage());
        }
    }

    private static TrainingRecipe recipe(SpecReader r, JsonNode root, String key, TrainingRecipe defaults) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (node.has("schedule")) {
            throw r.error(key + ".schedule", "renamed: a recipe's learning-rate schedule is 'lr_schedule' (the "
                    + "top-level 'schedule' is the pruning schedule)");
        }
        r.allowOnly(node, key, RECIPE_KEYS);
        String schedule = r.string(node, key, "lr_schedule", defaults.lrSchedule());
        if (!Schedules.NAMES.contains(schedule)) {
            throw r.error(key + ".lr_schedule", "unknown learning-rate schedule '" + schedule + "'; allowed: "
                    + Schedules.NAMES);
        }
        String optimizer = r.string(node, key, "optimizer", defaults.optimizer());
        if (!Optimizers.NAMES.contains(optimizer)) {
            throw r.error(key + ".optimizer", "unknown optimizer '" + optimizer + "'; allowed: " + Optimizers.NAMES);
        }
        double lr = r.number(node, key, "lr", defaults.learningRate(), 0);
        if (!(lr > 0)) {
            throw r.error(key + ".lr", "expected a learning rate > 0, got " + lr);
        }
        int epochs = r.integer(node, key, "epochs", defaults.epochs(), 1);
        double warmup = r.number(node, key, "warmup_epochs", defaults.warmupEpochs(), 0);
        if (warmup >= epochs) {
            throw r.error(key + ".warmup_epochs", "must be less than epochs (" + epochs + "), got " + warmup);
        }
        return defaults.toBuilder().optOptimizer(optimizer).optLearningRate(lr)
                .optMomentum(r.number(node, key, "momentum", defaults.momentum(), 0))
                .optNesterov(r.bool(node, key, "nesterov", defaults.nesterov()))
                .optWeightDecay(r.number(node, key, "weight_decay", defaults.weightDecay(), 0)).optLrSchedule(schedule)
                .optWarmupEpochs(warmup).setEpochs(epochs)
                .optBatchSize(r.integer(node, key, "batch_size", defaults.batchSize(), 1))
                .optAugment(r.bool(node, key, "augment", defaults.augment())).optSeed(0).build();
    }

    private static boolean isZip(Path f) {
        try (var in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'P' && head[1] == 'K';
        } catch (IOException e) {
            return false;
        }
    }

    /** The model reference as a checkpoint path when it is one (relative to the spec file first), else null. */
    public Path checkpointOf(String model) {
        return ModelZoo.contains(model) ? null : checkpointPath(file, model);
    }

    private static Path checkpointPath(Path specFile, String model) {
        Path relative = specFile.toAbsolutePath().getParent().resolve(model);
        return Files.isRegularFile(relative) ? relative : Path.of(model);
    }
}
