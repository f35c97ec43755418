package org.prune4j.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The behaviour section as Markdown ({@code behaviour.md} next to the report's HTML), for
 * documents: per model, the summary table, mean accuracy over corruptions at each severity per
 * budget, and prune potential per condition.
 */
final class BehaviourMarkdown {

    private BehaviourMarkdown() {}

    static String of(String model, List<BehaviourPoints> points, double deltaPoints) {
        StringBuilder md = new StringBuilder("### ").append(model).append("\n\n");
        Set<String> metrics = BehaviourPoints.metrics(points);
        md.append("| method | budget | seeds |");
        metrics.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---|---|").append("---|".repeat(metrics.size())).append('\n');
        for (BehaviourPoints p : points) {
            md.append("| ").append(p.method()).append(" | ").append(p.budget()).append(" | ").append(p.seeds()).append(" |");
            for (String m : metrics) {
                ResultSeries.Stat s = p.summary().get(m);
                md.append(' ').append(BehaviourSection.format(s, BehaviourSection.isPercent(m))).append(" |");
            }
            md.append('\n');
        }
        boolean corrupted = points.stream().anyMatch(p -> p.conditionTop1().size() > 1);
        if (corrupted) {
            md.append("\nMean top-1 (%) over the corruptions at each severity (0 = clean):\n\n"
                    + "| method | budget | 0 | 1 | 2 | 3 | 4 | 5 |\n|---|---|---|---|---|---|---|---|\n");
            for (BehaviourPoints p : points) {
                md.append("| ").append(p.method()).append(" | ").append(p.budget()).append(" |");
                for (double a : BehaviourSection.meanOverCorruptions(p)) {
                    md.append(Double.isNaN(a) ? " – |" : String.format(Locale.ROOT, " %.2f |", 100 * a));
                }
                md.append('\n');
            }
        }
        BehaviourPoints dense = BehaviourPoints.denseOf(points);
        Map<String, List<BehaviourPoints>> byMethod = BehaviourPoints.byMethod(points);
        if (dense != null && !byMethod.isEmpty()) {
            md.append(String.format(Locale.ROOT, "%nPrune potential (within %.2f points of the dense model under the "
                    + "same condition; compression for unstructured, MAC reduction for structured methods):%n%n"
                    + "| condition | dense top-1 |", deltaPoints));
            byMethod.keySet().forEach(m -> md.append(' ').append(m).append(" |"));
            md.append("\n|---|---|").append("---|".repeat(byMethod.size())).append('\n');
            Map<String, Map<String, Double>> potentials = new LinkedHashMap<>();
            byMethod.forEach((m, pts) -> potentials.put(m, BehaviourPoints.prunePotential(pts, dense, deltaPoints)));
            dense.conditionTop1().forEach((condition, top1) -> {
                md.append("| ").append(condition).append(String.format(Locale.ROOT, " | %.2f |", 100 * top1));
                potentials.values().forEach(p -> md.append(String.format(Locale.ROOT, " %.2f× |", p.get(condition))));
                md.append('\n');
            });
        }
        return md.append('\n').toString();
    }
}
