package org.prune4j.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The HTML of the report: plain tables and images, no scripts, so it renders anywhere. */
final class HtmlPage {

    private HtmlPage() {}

    static String header(String title, Path db, List<Map<String, Object>> rows) {
        TreeSet<String> specs = new TreeSet<>();
        rows.forEach(r -> specs.add(String.valueOf(r.get("spec"))));
        String versions = "";
        for (Map<String, Object> r : rows) {
            if (r.get("provenance") instanceof Map<?, ?> p && p.get("versions") != null) {
                versions = String.valueOf(p.get("versions"));
                break;
            }
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;"
                + "margin:1em 0}td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}"
                + "td:first-child,th:first-child{text-align:left}img{max-width:49%}.small{font-size:80%}</style>"
                + "</head><body>\n<h1>" + esc(title) + "</h1>\n<p>Results database <code>" + esc(db.toString())
                + "</code>: " + rows.size() + " finished runs from spec(s) " + esc(String.join(", ", specs))
                + ". Accuracy is top-1 on the test split after fine-tuning, mean ± standard deviation over seeds. "
                + "Compression = total / non-zero parameters; theoretical speed-up = total / non-zero MACs; "
                + "measured speed-up = dense / pruned latency at batch 128 (BN folded, fastest layout), the median "
                + "of interleaved rounds, with the rounds' range beside it: a range that includes 1 is within this "
                + "machine's noise, not a measured difference. Unstructured (masked) models run the same dense "
                + "kernels as the dense model, so no speed-up is reported for them.</p>\n"
                + "<p class=\"small\">Versions: " + esc(versions) + "</p>\n";
    }

    static String modelSection(String model, String plotByCompression, String plotBySpeedUp, List<ResultSeries> series) {
        StringBuilder h = new StringBuilder();
        h.append("<h2>").append(esc(model)).append("</h2>\n<p><img src=\"").append(plotByCompression)
                .append("\" alt=\"accuracy vs compression, ").append(esc(model)).append("\"> <img src=\"")
                .append(plotBySpeedUp).append("\" alt=\"accuracy vs theoretical speed-up, ").append(esc(model))
                .append("\"></p>\n<table><tr><th>method</th><th>budget</th><th>seeds</th><th>compression</th>"
                        + "<th>top-1 after pruning</th><th>top-1 after fine-tuning</th><th>top-5</th>"
                        + "<th>non-zero params</th><th>theoretical speed-up</th><th>measured speed-up b128</th>"
                        + "<th>size on disk (KiB)</th><th>wall time (s)</th></tr>\n");
        for (ResultSeries s : series) {
            for (ResultSeries.Point p : s.points()) {
                h.append("<tr><td>").append(esc(s.method())).append("</td><td>").append(esc(p.budget()))
                        .append("</td><td>").append(p.seeds()).append("</td><td>").append(fmt(p.compression(), 2, 1))
                        .append("</td><td>").append(fmt(p.top1Pruned(), 2, 100)).append("</td><td><b>")
                        .append(fmt(p.top1(), 2, 100)).append("</b></td><td>").append(fmt(p.top5(), 2, 100))
                        .append("</td><td>").append(fmt(p.nonZeroParameters(), 0, 1)).append("</td><td>")
                        .append(fmt(p.speedUp(), 2, 1)).append("</td><td>").append(fmt(p.measuredSpeedUp(), 2, 1))
                        .append(p.measuredNote().isEmpty() ? "" : "<br><span class=\"small\">" + esc(p.measuredNote())
                                + "</span>")
                        .append("</td><td>").append(fmt(p.sizeBytes(), 1, 1 / 1024.0)).append("</td><td>")
                        .append(fmt(p.wallSeconds(), 0, 1)).append("</td></tr>\n");
            }
        }
        return h.append("</table>\n").toString();
    }

    static String runsTable(List<Map<String, Object>> rows) {
        StringBuilder h = new StringBuilder("<h2>All runs</h2>\n<table class=\"small\"><tr><th>id</th><th>model</th>"
                + "<th>method</th><th>budget</th><th>seed</th><th>top-1 before</th><th>after pruning</th>"
                + "<th>after fine-tuning</th><th>compression</th><th>finished</th></tr>\n");
        for (Map<String, Object> r : rows) {
            Object budget = r.get("target") != null ? r.get("target") : r.get("compression");
            h.append("<tr><td><code>").append(esc(String.valueOf(r.get("id")))).append("</code></td><td>")
                    .append(esc(String.valueOf(r.get("model")))).append("</td><td>")
                    .append(esc(ResultSeries.methodLabel(r))).append("</td><td>").append(esc(String.valueOf(budget)))
                    .append("</td><td>").append(r.get("seed")).append("</td><td>").append(pct(r.get("top1_before")))
                    .append("</td><td>").append(pct(r.get("top1_pruned"))).append("</td><td>")
                    .append(pct(r.get("top1_finetuned"))).append("</td><td>")
                    .append(Double.isFinite(ResultSeries.number(r, "actual_compression"))
                            ? String.format("%.2f", ResultSeries.number(r, "actual_compression")) : "–")
                    .append("</td><td>").append(esc(String.valueOf(r.get("finished_at")))).append("</td></tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    static String footer() {
        return "<p class=\"small\">Written by prune4j <code>report</code>.</p>\n</body></html>\n";
    }

    private static String fmt(ResultSeries.Stat s, int decimals, double scale) {
        if (s.n() == 0) {
            return "–";
        }
        String f = "%." + decimals + "f";
        String mean = String.format(f, s.mean() * scale);
        return s.n() > 1 ? mean + " ± " + String.format(f, s.sd() * scale) : mean;
    }

    private static String pct(Object v) {
        return v == null ? "–" : String.format("%.2f%%", 100 * ((Number) v).doubleValue());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
