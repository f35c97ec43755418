package org.prune4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runs of one method on one model, grouped by budget: one {@link Point} per compression
 * (or structured target) with mean and standard deviation over the seeds.
 */
record ResultSeries(String model, String method, List<Point> points) {

    record Point(String budget, int seeds, Stat compression, Stat speedUp, Stat top1Pruned, Stat top1, Stat top5,
            Stat measuredSpeedUp, Stat nonZeroParameters, Stat sizeBytes, Stat wallSeconds) {}

    /** Mean and sample standard deviation (0 for one value); NaN when there is no value. */
    record Stat(double mean, double sd, int n) {
        static Stat of(List<Double> values) {
            List<Double> v = values.stream().filter(x -> x != null && !x.isNaN()).toList();
            if (v.isEmpty()) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            return new Stat(mean, v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : 0, v.size());
        }
    }

    /** Groups store rows (see ResultsStore#runs) into series per model and method. */
    static List<ResultSeries> from(List<Map<String, Object>> rows) {
        Map<String, Map<String, Map<Double, List<Map<String, Object>>>>> grouped = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String method = methodLabel(row);
            // unstructured runs group by requested compression, structured ones by target, N:M and dense by what they reached
            double key = row.get("kind").equals("structured") ? targetOrder(row)
                    : row.get("kind").equals("unstructured") && row.get("compression") != null
                    ? ((Number) row.get("compression")).doubleValue() : ((Number) row.get("actual_compression")).doubleValue();
            grouped.computeIfAbsent((String) row.get("model"), k -> new TreeMap<>())
                    .computeIfAbsent(method, k -> new TreeMap<>())
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .add(row);
        }
        List<ResultSeries> out = new ArrayList<>();
        grouped.forEach((model, methods) -> methods.forEach((method, budgets) -> {
            List<Point> points = new ArrayList<>();
            budgets.forEach((k, group) -> points.add(point(group)));
            out.add(new ResultSeries(model, method, points));
        }));
        return out;
    }

    private static double targetOrder(Map<String, Object> row) {
        String target = (String) row.get("target");
        String number = target.replaceAll("[^0-9.]", "");
        return number.isEmpty() ? 0 : Double.parseDouble(number);
    }

    static String methodLabel(Map<String, Object> row) {
        String kind = (String) row.get("kind");
        if (kind.equals("structured")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = (Map<String, Object>) row.get("settings");
            return "structured " + row.get("method") + " (" + settings.get("scope") + ")";
        }
        return (String) row.get("method");
    }

    private static Point point(List<Map<String, Object>> group) {
        Map<String, Object> first = group.get(0);
        String budget = first.get("target") != null ? (String) first.get("target")
                : first.get("compression") != null && !first.get("kind").equals("dense")
                        ? "×" + trim(((Number) first.get("compression")).doubleValue())
                        : first.get("kind").equals("dense") ? "dense" : "N:M";
        return new Point(budget, group.size(), stat(group, "actual_compression"), stat(group, "theoretical_speedup"),
                stat(group, "top1_pruned"), stat(group, "top1_finetuned"), stat(group, "top5_finetuned"),
                stat(group, "measured_speedup_b128"), stat(group, "nonzero_parameters"), stat(group, "size_bytes"),
                stat(group, "wall_seconds"));
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
