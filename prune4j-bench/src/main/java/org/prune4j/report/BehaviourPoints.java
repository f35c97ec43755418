package org.prune4j.report;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.prune4j.evaluation.ReliabilityDiagram;
import org.prune4j.experiment.RunKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored behaviour evaluations of a benchmark's runs, averaged over seeds per model, method
 * and budget; the dense model is the budget "dense" of the method "dense".
 *
 * @param x the amount of pruning: compression (total / non-zero parameters) for unstructured
 *     runs, theoretical speed-up (total / remaining MACs) for structured ones, 1 for dense
 * @param summary mean ± sd over seeds of the headline metrics, by name (certified accuracy and
 *     unstable ReLUs at each radius where the runs were certified)
 * @param conditionTop1 mean accuracy over seeds under each condition ({@code clean}, {@code name@s})
 * @param reliability the first seed's reliability diagram
 */
record BehaviourPoints(String model, String method, String budget, double x, int seeds,
        Map<String, ResultSeries.Stat> summary, Map<String, Double> conditionTop1, ReliabilityDiagram reliability) {

    private static final ObjectMapper JSON = new ObjectMapper();

    boolean dense() {
        return method.equals("dense");
    }

    /** The dense model's point among {@code points}, or null. */
    static BehaviourPoints denseOf(List<BehaviourPoints> points) {
        return points.stream().filter(BehaviourPoints::dense).findFirst().orElse(null);
    }

    /** The pruned points by method, in order. */
    static Map<String, List<BehaviourPoints>> byMethod(List<BehaviourPoints> points) {
        Map<String, List<BehaviourPoints>> byMethod = new LinkedHashMap<>();
        points.stream().filter(p -> !p.dense())
                .forEach(p -> byMethod.computeIfAbsent(p.method(), k -> new ArrayList<>()).add(p));
        return byMethod;
    }

    /** The summary metrics some point has a value for: the table's columns. */
    static java.util.Set<String> metrics(List<BehaviourPoints> points) {
        java.util.Set<String> metrics = new java.util.LinkedHashSet<>();
        points.forEach(p -> metrics.addAll(p.summary().keySet()));
        metrics.removeIf(m -> points.stream().allMatch(p -> p.summary().get(m) == null || p.summary().get(m).n() == 0));
        return metrics;
    }

    /** One point per (model, method, budget) that has behaviour results, in the runs' order. */
    static List<BehaviourPoints> from(List<Map<String, Object>> rows, Map<String, Map<String, Object>> behaviour) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            if (behaviour.containsKey((String) row.get("id"))) {
                String key = row.get("model") + "\u0000" + ResultSeries.methodLabel(row) + "\u0000" + budget(row);
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        List<BehaviourPoints> out = new ArrayList<>();
        groups.forEach((key, group) -> out.add(point(group, behaviour)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static BehaviourPoints point(List<Map<String, Object>> group, Map<String, Map<String, Object>> behaviour) {
        Map<String, Object> first = group.get(0);
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, List<Double>> conditions = new LinkedHashMap<>(); // clean first, then as evaluated
        for (Map<String, Object> row : group) {
            Map<String, Object> b = behaviour.get((String) row.get("id"));
            Map<String, Object> clean = (Map<String, Object>) b.get("clean");
            Map<String, Object> agreement = (Map<String, Object>) b.getOrDefault("agreement", Map.of());
            add(values, "clean top-1", clean.get("top1"));
            add(values, "mean corrupted top-1", b.get("meanCorruptedTop1"));
            add(values, "ECE", b.get("ece"));
            add(values, "NLL", b.get("nll"));
            add(values, "agreement", agreement.get("overall"));
            add(values, "agreement, least confident", agreement.get("leastConfident"));
            add(values, "worst class top-1", b.get("worstClassAccuracy"));
            add(values, "dead ReLUs", b.get("deadNeuronRate"));
            if (b.get("fairness") instanceof Map<?, ?> fairness) {
                add(values, "demographic parity difference", fairness.get("demographicParityDifference"));
                add(values, "equalized odds difference", fairness.get("equalizedOddsDifference"));
            }
            for (Map<String, Object> c : (List<Map<String, Object>>) b.getOrDefault("certified", List.of())) {
                add(values, "certified top-1 @" + c.get("epsilon"), c.get("certifiedTop1"));
                add(values, "unstable ReLUs @" + c.get("epsilon"), c.get("unstableFraction"));
            }
            conditions.computeIfAbsent("clean", k -> new ArrayList<>()).add(((Number) clean.get("top1")).doubleValue());
            for (Map<String, Object> c : (List<Map<String, Object>>) b.get("conditions")) {
                conditions.computeIfAbsent((String) c.get("condition"), k -> new ArrayList<>())
                        .add(((Number) c.get("top1")).doubleValue());
            }
        }
        Map<String, ResultSeries.Stat> summary = new LinkedHashMap<>();
        values.forEach((name, v) -> summary.put(name, ResultSeries.Stat.of(v)));
        Map<String, Double> conditionTop1 = new LinkedHashMap<>();
        conditions.forEach((name, v) -> conditionTop1.put(name, ResultSeries.Stat.of(v).mean()));
        Map<String, Object> firstBehaviour = behaviour.get((String) first.get("id"));
        ReliabilityDiagram reliability = new ReliabilityDiagram(
                JSON.convertValue(firstBehaviour.get("reliability"),
                        JSON.getTypeFactory().constructCollectionType(List.class, ReliabilityDiagram.Bin.class)),
                ((Number) firstBehaviour.get("ece")).doubleValue());
        RunKind kind = RunKind.ofLabel((String) first.get("kind"));
        double x = kind == RunKind.DENSE ? 1
                : kind == RunKind.STRUCTURED ? mean(group, "theoretical_speedup") : mean(group, "actual_compression");
        return new BehaviourPoints((String) first.get("model"), ResultSeries.methodLabel(first), budget(first), x,
                group.size(), summary, conditionTop1, reliability);
    }

    private static void add(Map<String, List<Double>> values, String name, Object v) {
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(v == null ? null : ((Number) v).doubleValue());
    }

    private static double mean(List<Map<String, Object>> group, String column) {
        return group.stream().mapToDouble(r -> ResultSeries.number(r, column)).average().orElse(Double.NaN);
    }

    private static String budget(Map<String, Object> row) {
        if (row.get("target") != null) {
            return (String) row.get("target");
        }
        if (RunKind.ofLabel((String) row.get("kind")) == RunKind.DENSE) {
            return "dense";
        }
        return row.get("compression") != null ? "×" + ResultSeries.trim(((Number) row.get("compression")).doubleValue())
                : "N:M";
    }

    /**
     * torchprune's prune potential of one method under each condition: the largest amount of
     * pruning {@code x} whose mean accuracy stays within {@code deltaPoints} of the dense model's
     * under the same condition; 1 (nothing can be pruned) when no budget does.
     */
    static Map<String, Double> prunePotential(List<BehaviourPoints> method, BehaviourPoints dense, double deltaPoints) {
        Map<String, Double> potential = new LinkedHashMap<>();
        dense.conditionTop1().forEach((condition, denseTop1) -> {
            double best = 1;
            for (BehaviourPoints p : method) {
                Double top1 = p.conditionTop1().get(condition);
                if (top1 != null && top1 >= denseTop1 - deltaPoints / 100 && p.x() > best) {
                    best = p.x();
                }
            }
            potential.put(condition, best);
        });
        return potential;
    }
}
