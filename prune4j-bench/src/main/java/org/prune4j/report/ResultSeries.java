package org.prune4j.report;

import org.prune4j.experiment.RunKind;
import org.prune4j.experiment.RunMetrics;
import org.prune4j.measure.LatencyComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs of one method on one model, grouped by budget: one {@link Point} per compression
 * (or structured target) with mean and standard deviation over the seeds.
 */
record ResultSeries(String model, String method, List<Point> points) {

    /**
     * One budget of a series. {@code measuredNote} says how to read the measured speed-up: the
     * range of its interleaved rounds (and "within noise" when a run's rounds disagree on which
     * model is faster), or why there is none (a masked model runs the same dense kernels).
     */
    record Point(String budget, int seeds, Stat compression, Stat speedUp, Stat top1Pruned, Stat top1, Stat top5,
            Stat measuredSpeedUp, String measuredNote, Stat nonZeroParameters, Stat sizeBytes, Stat wallSeconds) {}

    /** Mean and sample standard deviation (0 for one value); NaN when there is no value. */
    record Stat(double mean, double sd, int n) {
        static Stat of(List<Double> values) {
            List<Double> v = values.stream().filter(x -> x != null && Double.isFinite(x)).toList();
            if (v.isEmpty()) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            return new Stat(mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0, v.size());
        }
    }

    /**
     * Groups store rows (see ResultsStore#runs) into series: one per model, method and variant (all
     * settings but seed and budget), so runs are averaged only over seeds. Points are keyed by the
     * budget: the requested compression, the structured target, or (dense, N:M) what was reached.
     */
    static List<ResultSeries> from(List<Map<String, Object>> rows) {
        Map<String, Map<String, List<Map<String, Object>>>> variantsByMethod = new TreeMap<>();
        Map<String, Map<String, Map<Double, List<Map<String, Object>>>>> grouped = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String series = row.get("model") + "\u0000" + methodLabel(row);
            String variant = variant(row);
            variantsByMethod.computeIfAbsent(series, k -> new TreeMap<>()).computeIfAbsent(variant, k -> new ArrayList<>());
            RunKind kind = kind(row);
            double key = kind == RunKind.STRUCTURED ? targetOrder(row)
                    : kind == RunKind.UNSTRUCTURED && row.get("compression") != null
                    ? ((Number) row.get("compression")).doubleValue() : number(row, "actual_compression");
            grouped.computeIfAbsent(series, k -> new TreeMap<>()).computeIfAbsent(variant, k -> new TreeMap<>())
                    .computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
        List<ResultSeries> out = new ArrayList<>();
        grouped.forEach((series, variants) -> variants.forEach((variant, budgets) -> {
            String[] modelAndMethod = series.split("\u0000");
            String label = variants.size() == 1 ? modelAndMethod[1] : modelAndMethod[1] + " " + describe(budgets);
            List<Point> points = new ArrayList<>();
            budgets.forEach((k, group) -> points.add(point(group)));
            out.add(new ResultSeries(modelAndMethod[0], label, points));
        }));
        return out;
    }

    /** The settings that make runs of one method different experiments (everything but seed and budget). */
    @SuppressWarnings("unchecked")
    private static String variant(Map<String, Object> row) {
        Map<String, Object> settings = new TreeMap<>((Map<String, Object>) row.get("settings"));
        for (String k : List.of("seed", "compression", "target")) {
            settings.remove(k);
        }
        for (String k : List.of("pretrain", "fineTune")) {
            if (settings.get(k) instanceof Map<?, ?> recipe) {
                Map<String, Object> r = new TreeMap<>((Map<String, Object>) recipe);
                r.remove("seed");
                settings.put(k, r);
            }
        }
        return settings.toString();
    }

    /** A short label for one variant among several: its schedule and fine-tuning. */
    @SuppressWarnings("unchecked")
    private static String describe(Map<Double, List<Map<String, Object>>> budgets) {
        Map<String, Object> s = (Map<String, Object>) budgets.values().iterator().next().get(0).get("settings");
        Map<String, Object> ft = s.get("fineTune") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return "(" + (s.get("schedule") == null ? "" : s.get("schedule") + ", ") + "fine-tune " + ft.get("epochs")
                + " ep @ " + ft.get("learningRate") + (s.get("trainLimit") == null ? "" : ", " + s.get("trainLimit") + " images")
                + ")";
    }

    static double number(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }

    /** Orders targets by their number; different quantities (macs=2x, params=2x) stay apart. */
    private static double targetOrder(Map<String, Object> row) {
        String target = (String) row.get("target");
        String number = target.replaceAll("[^0-9.]", "");
        double value = number.isEmpty() ? 0 : Double.parseDouble(number);
        return value + (target.startsWith("macs") ? 0 : target.startsWith("params") ? 1e-6 : 2e-6);
    }

    private static RunKind kind(Map<String, Object> row) {
        return RunKind.ofLabel((String) row.get("kind"));
    }

    static String methodLabel(Map<String, Object> row) {
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) row.get("settings");
        String scratch = settings != null && "scratch".equals(settings.get("retrain")) ? ", from scratch" : "";
        if (kind(row) == RunKind.STRUCTURED) {
            return "structured " + row.get("method") + " (" + settings.get("scope") + scratch + ")";
        }
        return row.get("method") + (scratch.isEmpty() ? "" : " (from scratch)");
    }

    private static Point point(List<Map<String, Object>> group) {
        Map<String, Object> first = group.get(0);
        int seeds = (int) group.stream().map(r -> r.get("seed")).distinct().count();
        boolean dense = kind(first) == RunKind.DENSE;
        String budget = first.get("target") != null ? (String) first.get("target")
                : dense ? "dense"
                : first.get("compression") != null ? "×" + trim(((Number) first.get("compression")).doubleValue())
                : "N:M";
        return new Point(budget, seeds, stat(group, "actual_compression"), stat(group, "theoretical_speedup"),
                stat(group, "top1_pruned"), stat(group, "top1_finetuned"), stat(group, "top5_finetuned"),
                stat(group, "measured_speedup_b128"), measuredNote(group), stat(group, "nonzero_parameters"),
                stat(group, "size_bytes"), stat(group, "wall_seconds"));
    }

    /** The rounds' range of the measured speed-up at batch 128 over the group's runs, or why it is not a speed-up. */
    private static String measuredNote(List<Map<String, Object>> group) {
        if (kind(group.get(0)) == RunKind.UNSTRUCTURED) {
            return "none: masked weights run the same dense kernels";
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        boolean noise = false;
        for (Map<String, Object> row : group) {
            LatencyComparison.AtBatch b = RunMetrics.latencyAtBatch128((Map<?, ?>) row.get("metrics"));
            if (b != null) {
                low = Math.min(low, b.speedUpLow());
                high = Math.max(high, b.speedUpHigh());
                noise |= b.withinNoise();
            }
        }
        if (low > high) {
            return "";
        }
        return String.format("rounds %.2f–%.2f%s", low, high, noise ? ", within noise" : "");
    }

    private static Stat stat(List<Map<String, Object>> group, String column) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> row : group) {
            Object v = row.get(column);
            values.add(v == null ? null : ((Number) v).doubleValue());
        }
        return Stat.of(values);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
