package org.prune4j.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.lottery.LotteryResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The report of a lottery-ticket study: every {@code lottery.json} under a directory (one per
 * {@code prune4j lottery --out} run), grouped by model and variant (the rewind, or COLT), averaged
 * over seeds: {@code lottery.md} (accuracy per round, mean ± half the range, with the controls)
 * and one {@code lottery-MODEL.png} per model (accuracy against the weights left).
 */
public final class LotteryReport {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private LotteryReport() {}

    /** Whether {@code dir} holds lottery runs rather than being a results database. */
    public static boolean isLotteryDirectory(Path dir) {
        return Files.isDirectory(dir) && !runs(dir).isEmpty();
    }

    public static List<Path> write(Path dir, Path out) {
        Map<String, Map<String, List<LotteryResult>>> byModel = new TreeMap<>();
        for (Path file : runs(dir)) {
            try {
                JsonNode run = JSON.readTree(file.toFile()); // the result and the model it was run on
                add(byModel, run.path("model").asText("null"), JSON.treeToValue(run, LotteryResult.class));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read lottery result " + file + ": " + e.getMessage(), e);
            }
        }
        return write(byModel, out);
    }

    /** The lottery runs of a results store (rows of kind {@code lottery}, as {@code ResultsStore.runs()} gives them). */
    public static List<Path> writeFromStore(List<Map<String, Object>> rows, Path out) {
        Map<String, Map<String, List<LotteryResult>>> byModel = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            if ("lottery".equals(row.get("kind")) && row.get("metrics") instanceof Map<?, ?> m) {
                add(byModel, String.valueOf(row.get("model")), JSON.convertValue(m.get("lottery"), LotteryResult.class));
            }
        }
        return byModel.isEmpty() ? List.of() : write(byModel, out);
    }

    private static void add(Map<String, Map<String, List<LotteryResult>>> byModel, String model, LotteryResult r) {
        byModel.computeIfAbsent(model, k -> new TreeMap<>()).computeIfAbsent(variant(r), k -> new ArrayList<>()).add(r);
    }

    private static List<Path> write(Map<String, Map<String, List<LotteryResult>>> byModel, Path out) {
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Lottery tickets\n");
        byModel.forEach((model, variants) -> {
            written.add(BehaviourCharts.savePng(LotteryCharts.accuracyPerRound(model, variants), out,
                    "lottery-" + model));
            md.append(table(model, variants));
        });
        Path table = out.resolve("lottery.md");
        try {
            Files.createDirectories(out);
            Files.writeString(table, md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + table + ": " + e.getMessage(), e);
        }
        written.add(table);
        return written;
    }

    /** {@code rewind init}, {@code rewind lr, silo:1.0,3.0,1.0}, ..., or {@code COLT, 2 splits}. */
    public static String variant(LotteryResult r) {
        Object splits = r.settings().get("splits");
        Object maxLr = r.settings().getOrDefault("maxLr", "constant");
        String peak = "constant".equals(maxLr) ? "" : ", " + maxLr;
        if (splits instanceof Number n && n.intValue() > 1) {
            return "COLT, " + n.intValue() + " splits" + peak;
        }
        return "rewind " + r.settings().get("rewind") + peak;
    }

    private static String table(String model, Map<String, List<LotteryResult>> variants) {
        List<String> columns = new ArrayList<>();
        variants.forEach((variant, results) -> {
            columns.add(variant);
            results.get(0).rounds().get(0).controls().keySet().forEach(c -> columns.add(variant + ", " + c));
        });
        StringBuilder s = new StringBuilder("\n## " + model + "\n\n");
        Map<Object, Double> densePerSeed = new TreeMap<>(); // every variant of a seed trains the same dense model
        variants.values().stream().flatMap(List::stream).forEach(r -> densePerSeed.put(String.valueOf(
                ((Map<?, ?>) r.settings().get("training")).get("seed")), r.denseTop1()));
        List<Double> dense = List.copyOf(densePerSeed.values());
        s.append(String.format("Dense: %s. Top-1 (%%) per round, mean ± half the range over seeds (seeds).%n%n",
                cell(dense)));
        s.append("| round | weights left (rewinding) |");
        columns.forEach(c -> s.append(' ').append(c).append(" |"));
        s.append("\n|---|---|").append("---|".repeat(columns.size())).append('\n');
        int rounds = variants.values().stream().flatMap(List::stream).mapToInt(r -> r.rounds().size()).max().orElse(0);
        for (int i = 0; i < rounds; i++) {
            int round = i;
            List<Double> density = new ArrayList<>();
            variants.forEach((variant, results) -> {
                if (!variant.startsWith("COLT")) {
                    results.stream().filter(r -> r.rounds().size() > round)
                            .forEach(r -> density.add(r.rounds().get(round).density()));
                }
            });
            s.append("| ").append(round + 1).append(" | ").append(density.isEmpty() ? "-"
                    : String.format("%.1f%%", 100 * density.stream().mapToDouble(d -> d).average().orElseThrow()));
            s.append(" |");
            variants.forEach((variant, results) -> {
                List<LotteryResult.Round> at = results.stream().filter(r -> r.rounds().size() > round)
                        .map(r -> r.rounds().get(round)).toList();
                String ticket = cell(at.stream().map(LotteryResult.Round::top1).toList());
                if (variant.startsWith("COLT") && !at.isEmpty()) {
                    ticket += String.format(" at %.1f%%", 100 * at.stream().mapToDouble(LotteryResult.Round::density)
                            .average().orElseThrow());
                }
                s.append(' ').append(ticket).append(" |");
                for (String c : results.get(0).rounds().get(0).controls().keySet()) {
                    s.append(' ').append(cell(at.stream().map(r -> r.controls().get(c)).toList())).append(" |");
                }
            });
            s.append('\n');
        }
        return s.toString();
    }

    private static String cell(List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        double mean = values.stream().mapToDouble(v -> v).average().orElseThrow();
        double half = (values.stream().mapToDouble(v -> v).max().orElseThrow()
                - values.stream().mapToDouble(v -> v).min().orElseThrow()) / 2;
        return values.size() == 1 ? String.format("%.2f (1)", 100 * mean)
                : String.format("%.2f ± %.2f (%d)", 100 * mean, 100 * half, values.size());
    }

    private static List<Path> runs(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 2)) {
            return files.filter(p -> p.getFileName().toString().equals("lottery.json"))
                    .filter(p -> !p.getParent().getFileName().toString().endsWith(".tmp")) // a run still writing
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
