package org.prune4j.cli;

import org.prune4j.criterion.Bottlenecks;
import org.prune4j.criterion.Calibration;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.ChannelScores;
import org.prune4j.criterion.RankAgreement;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.pruning.EigenDamagePruner;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code prune4j scores}: every prunable group's channel scores by one criterion, or by several
 * with their rank agreement with the first ({@code --compare oracle,taylor,l1}).
 */
@Command(name = "scores", mixinStandardHelpOptions = true,
        description = "Print every prunable group's channel scores by a criterion; with --compare, also the Spearman "
                + "and Kendall rank correlation of each criterion with the first, per group and pooled.")
final class ScoresCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true,
            description = "Checkpoint file, run directory or ONNX file; or a zoo name (initialized with --seed).")
    String model;

    @Option(names = "--method", description = "The criterion: one of the registered names (e.g. l1, taylor, oracle).")
    String method;

    @Option(names = "--compare", split = ",", paramLabel = "REF,M1,...",
            description = "Criteria to compare with the first, e.g. oracle,taylor,l1.")
    List<String> compare;

    @Option(names = "--data", description = "Data set of the calibration batches; needed by data-driven criteria.")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Option(names = "--batches", defaultValue = "8", description = "Calibration batches (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the batch order and of random criteria.")
    long seed;

    @Option(names = "--out", description = "CSV file of all scores: group,channel,method,score.")
    Path out;

    @Option(names = "--bottlenecks", paramLabel = "FRACTION",
            description = "Also report, per criterion, the groups that keep at least 90% of their channels when this "
                    + "fraction of all channels (lowest scores, ranked globally) is removed: SOSP's architectural "
                    + "bottlenecks. E.g. 0.5.")
    Double bottlenecks;

    /** A group keeping at least this share of its channels is reported as a bottleneck. */
    static final double BOTTLENECK_KEPT = 0.9;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        List<String> methods = methods();
        if (batches < 1) {
            throw new IllegalArgumentException("--batches must be at least 1, got " + batches);
        }
        if (bottlenecks != null && !(bottlenecks > 0 && bottlenecks < 1)) {
            throw new IllegalArgumentException("--bottlenecks is the fraction of channels removed, in (0, 1), got "
                    + bottlenecks);
        }
        List<String> needData = methods.stream().filter(m -> ChannelCriteria.create(m, seed).usesData()).toList();
        if (!needData.isEmpty() && data == null) {
            throw new IllegalArgumentException("--data is missing: " + needData + " score channels from training "
                    + "batches (e.g. --data fashion-mnist)");
        }
        Supplier<Model> load = modelLoader();
        Calibration calibration = data == null ? null : new Calibration(DataSplits.load(data, dataDir, null, null)
                .trainLoader(TrainingRecipe.fineTuneDefaults().toBuilder().optBatchSize(batchSize).optSeed(seed)
                        .build()), batches);

        Map<String, Integer> sizes = new LinkedHashMap<>();
        Map<String, Map<String, float[]>> computed = new HashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        // data-free methods first: one that cannot score this model fails before minutes of data passes
        List<String> order = new ArrayList<>(methods);
        order.sort(Comparator.comparing(needData::contains));
        for (String m : order) {
            try (Model copy = load.get()) {
                List<Group> groups = DependencyGraph.of(copy.graph()).groups();
                long start = System.nanoTime();
                Map<Group, float[]> byGroup = ChannelScores.of(copy, ChannelCriteria.create(m, seed), groups, calibration);
                seconds.put(m, (System.nanoTime() - start) / 1e9);
                Map<String, float[]> byId = new LinkedHashMap<>();
                byGroup.forEach((g, s) -> {
                    byId.put(id(g), s);
                    sizes.put(id(g), g.size());
                });
                computed.put(m, byId);
            }
        }
        Map<String, Map<String, float[]>> scores = new LinkedHashMap<>();
        methods.forEach(m -> scores.put(m, computed.get(m)));
        if (out != null) {
            writeCsv(scores);
        }
        Map<String, Object> result = result(sizes, scores, seconds);
        if (common.json) {
            System.out.println(CommonOptions.toJson(result));
        } else {
            print(sizes, scores, seconds);
        }
        return 0;
    }

    /** The criteria to run, checked before anything is loaded. */
    private List<String> methods() {
        if ((method == null) == (compare == null)) {
            throw new IllegalArgumentException("give either --method NAME or --compare REF,M1,...");
        }
        List<String> names = method != null ? List.of(method) : compare;
        if (compare != null && new HashSet<>(compare).size() < 2) {
            throw new IllegalArgumentException("--compare needs at least two different criteria (the first is the "
                    + "reference), got " + compare);
        }
        for (String n : names) {
            if (EigenDamagePruner.NAME.equals(n)) {
                throw new IllegalArgumentException("eigendamage prunes directions of the Kronecker-factored eigenbasis, "
                        + "not channels, so it has no channel scores; use it with prune --criterion eigendamage");
            }
            if (!ChannelCriteria.exists(n)) {
                throw new IllegalArgumentException("unknown criterion '" + n + "'; known: "
                        + String.join(", ", ChannelCriteria.names()));
            }
        }
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private Supplier<Model> modelLoader() {
        if (ModelArgument.isZooName(model)) {
            return () -> Model.builder().setGraph(ModelZoo.build(model, ZooOptions.fashionMnist())).optSeed(seed).build();
        }
        ModelArgument.checkpointPath(model); // a missing file fails here, before the data are read
        return () -> ModelArgument.load(model);
    }

    /** A group's id: its member nodes in graph order, the same whichever criterion scores it. */
    static String id(Group g) {
        return String.join("+", g.spaces());
    }

    private Map<String, Object> result(Map<String, Integer> sizes, Map<String, Map<String, float[]>> scores,
            Map<String, Double> seconds) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("data", data);
        r.put("batches", data == null ? 0 : batches);
        r.put("batchSize", batchSize);
        r.put("seed", seed);
        r.put("methods", List.copyOf(scores.keySet()));
        r.put("seconds", seconds);
        String reference = scores.keySet().iterator().next();
        List<Map<String, Object>> groups = new ArrayList<>();
        for (String id : sizes.keySet()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("id", id);
            g.put("channels", sizes.get(id));
            Map<String, float[]> byMethod = new LinkedHashMap<>();
            scores.forEach((m, s) -> byMethod.put(m, s.get(id)));
            g.put("scores", byMethod);
            if (scores.size() > 1) {
                Map<String, Object> agreement = new LinkedHashMap<>();
                others(scores).forEach((m, s) -> agreement.put(m,
                        toMap(RankAgreement.of(scores.get(reference).get(id), s.get(id)))));
                g.put("agreement", agreement);
            }
            groups.add(g);
        }
        r.put("groups", groups);
        if (scores.size() > 1) {
            r.put("reference", reference);
            Map<String, Object> pooled = new LinkedHashMap<>();
            Map<String, Object> mean = new LinkedHashMap<>();
            others(scores).forEach((m, s) -> {
                pooled.put(m, toMap(RankAgreement.pooled(scores.get(reference), s)));
                mean.put(m, toMap(RankAgreement.meanOverGroups(scores.get(reference), s)));
            });
            r.put("pooled", pooled);
            r.put("meanOverGroups", mean);
        }
        if (bottlenecks != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("removedFraction", bottlenecks);
            b.put("keptAtLeast", BOTTLENECK_KEPT);
            Map<String, Object> byMethod = new LinkedHashMap<>();
            scores.forEach((m, s) -> {
                List<Bottlenecks.Layer> kept = Bottlenecks.kept(s, bottlenecks);
                Map<String, Object> entry = new LinkedHashMap<>();
                Map<String, Integer> keptById = new LinkedHashMap<>();
                kept.forEach(l -> keptById.put(l.group(), l.kept()));
                entry.put("kept", keptById);
                entry.put("bottlenecks", Bottlenecks.flagged(kept, BOTTLENECK_KEPT).stream().map(Bottlenecks.Layer::group)
                        .toList());
                byMethod.put(m, entry);
            });
            b.put("byMethod", byMethod);
            r.put("bottlenecks", b);
        }
        return r;
    }

    /** Every criterion but the reference (the first). */
    private static Map<String, Map<String, float[]>> others(Map<String, Map<String, float[]>> scores) {
        Map<String, Map<String, float[]>> o = new LinkedHashMap<>(scores);
        o.remove(scores.keySet().iterator().next());
        return o;
    }

    private static Map<String, Object> toMap(RankAgreement a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spearman", Double.isNaN(a.spearman()) ? null : a.spearman());
        m.put("kendall", Double.isNaN(a.kendall()) ? null : a.kendall());
        return m;
    }

    private void print(Map<String, Integer> sizes, Map<String, Map<String, float[]>> scores, Map<String, Double> seconds) {
        int width = scores.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (String id : sizes.keySet()) {
            System.out.printf("group %s (%d channels)%n", id, sizes.get(id));
            scores.forEach((m, s) -> {
                StringBuilder line = new StringBuilder(String.format("  %-" + width + "s", m));
                for (float v : s.get(id)) {
                    line.append(String.format(Locale.ROOT, " %.4g", v));
                }
                System.out.println(line);
            });
        }
        if (scores.size() > 1) {
            String reference = scores.keySet().iterator().next();
            System.out.printf("%nrank correlation with %s (Spearman rho / Kendall tau)%n", reference);
            int idWidth = Math.max(16, sizes.keySet().stream().mapToInt(String::length).max().orElse(0));
            StringBuilder header = new StringBuilder(String.format("%-" + idWidth + "s", "group"));
            others(scores).keySet().forEach(m -> header.append(String.format("  %17s", m)));
            System.out.println(header);
            for (String id : sizes.keySet()) {
                StringBuilder line = new StringBuilder(String.format("%-" + idWidth + "s", id));
                others(scores).forEach((m, s) -> line.append(cell(RankAgreement.of(scores.get(reference).get(id), s.get(id)))));
                System.out.println(line);
            }
            StringBuilder pooled = new StringBuilder(String.format("%-" + idWidth + "s", "pooled"));
            StringBuilder mean = new StringBuilder(String.format("%-" + idWidth + "s", "mean over groups"));
            others(scores).forEach((m, s) -> {
                pooled.append(cell(RankAgreement.pooled(scores.get(reference), s)));
                mean.append(cell(RankAgreement.meanOverGroups(scores.get(reference), s)));
            });
            System.out.println(pooled);
            System.out.println(mean);
        }
        if (bottlenecks != null) {
            System.out.printf(Locale.ROOT, "%ngroups kept at least %.0f%% whole when %.0f%% of all channels are removed "
                    + "by global rank (bottlenecks)%n", 100 * BOTTLENECK_KEPT, 100 * bottlenecks);
            scores.forEach((m, s) -> {
                List<Bottlenecks.Layer> flagged = Bottlenecks.flagged(Bottlenecks.kept(s, bottlenecks), BOTTLENECK_KEPT);
                StringBuilder line = new StringBuilder(String.format("  %-" + width + "s", m));
                if (flagged.isEmpty()) {
                    line.append(" none");
                }
                flagged.forEach(l -> line.append(String.format(" %s %d/%d", l.group(), l.kept(), l.channels())));
                System.out.println(line);
            });
        }
        StringBuilder times = new StringBuilder("scoring time:");
        seconds.forEach((m, s) -> times.append(String.format(Locale.ROOT, " %s %.2f s", m, s)));
        System.out.println(times);
    }

    private static String cell(RankAgreement a) {
        return Double.isNaN(a.spearman()) ? String.format("  %17s", "-")
                : String.format(Locale.ROOT, "  %8.3f /%7.3f", a.spearman(), a.kendall());
    }

    private void writeCsv(Map<String, Map<String, float[]>> scores) {
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            try (Writer w = Files.newBufferedWriter(out)) {
                w.write("group,channel,method,score\n");
                for (Map.Entry<String, Map<String, float[]>> byMethod : scores.entrySet()) {
                    for (Map.Entry<String, float[]> g : byMethod.getValue().entrySet()) {
                        float[] s = g.getValue();
                        for (int k = 0; k < s.length; k++) {
                            w.write(g.getKey() + "," + k + "," + byMethod.getKey() + "," + s[k] + "\n");
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
