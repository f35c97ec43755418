package org.prune4j.report;

import org.prune4j.evaluation.Corruption;
import org.prune4j.evaluation.ReliabilityDiagram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's "behaviour beyond accuracy" part for one model: a table of calibration, agreement,
 * worst class and robustness per method and budget; accuracy against corruption severity per
 * budget and reliability diagrams, one plot each per method; and prune potential per condition.
 */
final class BehaviourSection {

    private BehaviourSection() {}

    /** Writes the plots into {@code dir} (added to {@code written}) and returns the HTML. */
    static String write(String model, List<BehaviourPoints> points, double deltaPoints, Path dir, List<Path> written) {
        BehaviourPoints dense = BehaviourPoints.denseOf(points);
        Map<String, List<BehaviourPoints>> byMethod = BehaviourPoints.byMethod(points);
        StringBuilder h = new StringBuilder("<h3>").append(HtmlPage.esc(model))
                .append(": behaviour beyond accuracy</h3>\n").append(summaryTable(points));
        String slug = slug(model);
        h.append("<p>");
        for (Map.Entry<String, List<BehaviourPoints>> e : byMethod.entrySet()) {
            List<BehaviourPoints> withDense = new ArrayList<>();
            if (dense != null) {
                withDense.add(dense);
            }
            withDense.addAll(e.getValue());
            String name = slug + "-" + slug(e.getKey());
            Map<String, double[]> curves = new LinkedHashMap<>();
            Map<String, ReliabilityDiagram> diagrams = new LinkedHashMap<>();
            for (BehaviourPoints p : withDense) {
                curves.put(p.budget(), meanOverCorruptions(p));
                diagrams.put(p.budget(), p.reliability());
            }
            if (withDense.stream().anyMatch(p -> p.conditionTop1().size() > 1)) {
                Path severity = BehaviourCharts.savePng(BehaviourCharts.severity(model + ", " + e.getKey()
                        + ": mean over corruptions", curves), dir, "severity-" + name);
                written.add(severity);
                h.append("<img src=\"").append(severity.getFileName()).append("\" alt=\"accuracy vs severity, ")
                        .append(HtmlPage.esc(e.getKey())).append("\"> ");
            }
            Path reliability = BehaviourCharts.savePng(BehaviourCharts.reliability(model + ", " + e.getKey()
                    + ": reliability", diagrams), dir, "reliability-" + name);
            written.add(reliability);
            h.append("<img src=\"").append(reliability.getFileName()).append("\" alt=\"reliability, ")
                    .append(HtmlPage.esc(e.getKey())).append("\">\n");
        }
        h.append("</p>\n");
        if (dense != null && !byMethod.isEmpty()) {
            h.append(potentialTable(dense, byMethod, deltaPoints));
        }
        return h.toString();
    }

    private static String summaryTable(List<BehaviourPoints> points) {
        java.util.Set<String> metrics = BehaviourPoints.metrics(points);
        StringBuilder h = new StringBuilder("<table><tr><th>method</th><th>budget</th><th>seeds</th>");
        metrics.forEach(m -> h.append("<th>").append(HtmlPage.esc(m)).append("</th>"));
        h.append("</tr>\n");
        for (BehaviourPoints p : points) {
            h.append("<tr><td>").append(HtmlPage.esc(p.method())).append("</td><td>").append(HtmlPage.esc(p.budget()))
                    .append("</td><td>").append(p.seeds()).append("</td>");
            for (String m : metrics) {
                ResultSeries.Stat s = p.summary().get(m);
                h.append("<td>").append(format(s, isPercent(m))).append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    private static String potentialTable(BehaviourPoints dense, Map<String, List<BehaviourPoints>> byMethod,
            double deltaPoints) {
        Map<String, Map<String, Double>> potentials = new LinkedHashMap<>();
        byMethod.forEach((method, pts) -> potentials.put(method, BehaviourPoints.prunePotential(pts, dense, deltaPoints)));
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "<p>Prune potential (torchprune): the most "
                + "pruning (compression, or MAC reduction for structured methods) whose mean accuracy stays within "
                + "%.2f points of the dense model's under the same condition; 1× = none.</p>\n<table><tr>"
                + "<th>condition</th><th>dense top-1</th>", deltaPoints));
        byMethod.keySet().forEach(m -> h.append("<th>").append(HtmlPage.esc(m)).append("</th>"));
        h.append("</tr>\n");
        for (Map.Entry<String, Double> c : dense.conditionTop1().entrySet()) {
            h.append("<tr><td>").append(HtmlPage.esc(c.getKey())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f%%", 100 * c.getValue())).append("</td>");
            for (Map<String, Double> p : potentials.values()) {
                h.append("<td>").append(String.format(Locale.ROOT, "%.2f×", p.get(c.getKey()))).append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    /** Accuracy at severity 0 (clean) to 5, averaged over the corruptions evaluated at each severity. */
    static double[] meanOverCorruptions(BehaviourPoints p) {
        double[] sum = new double[Corruption.MAX_SEVERITY + 1];
        int[] n = new int[sum.length];
        p.conditionTop1().forEach((condition, top1) -> {
            int at = condition.lastIndexOf('@');
            int severity = at < 0 ? 0 : Integer.parseInt(condition.substring(at + 1));
            sum[severity] += top1;
            n[severity]++;
        });
        double[] mean = new double[sum.length];
        for (int s = 0; s < sum.length; s++) {
            mean[s] = n[s] == 0 ? Double.NaN : sum[s] / n[s];
        }
        return mean;
    }

    /** Accuracies, agreements and rates print as percentages; ECE, NLL and fairness gaps as they are. */
    static boolean isPercent(String metric) {
        return !metric.equals("ECE") && !metric.equals("NLL") && !metric.endsWith("difference");
    }

    /** Mean ± sd over seeds, in percent or with four decimals; – without a value. */
    static String format(ResultSeries.Stat s, boolean percent) {
        if (s == null || s.n() == 0) {
            return "–";
        }
        double scale = percent ? 100 : 1;
        String f = percent ? "%.2f" : "%.4f";
        String mean = String.format(Locale.ROOT, f, s.mean() * scale);
        return s.n() > 1 ? mean + " ± " + String.format(Locale.ROOT, f, s.sd() * scale) : mean;
    }

    private static String slug(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]+", "_");
    }
}
