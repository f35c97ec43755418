package org.prune4j.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prune4j.experiment.ResultsStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes a report of a results store into a directory: per model, accuracy after fine-tuning vs
 * compression and vs theoretical speed-up (one curve per method, mean ± standard deviation over
 * seeds, x on a log2 scale; PNG and SVG), and {@code index.html} with the plots, a summary table per
 * model and every run with its id; and, for runs evaluated beyond accuracy, {@link BehaviourSection}.
 */
public final class ReportWriter {

    private ReportWriter() {}

    /**
     * As {@link #write(ResultsStore, Path, double)} with the tolerance of the spec that evaluated
     * the runs ({@code evaluate: {delta: ...}}), else 0.5 points.
     */
    public static List<Path> write(ResultsStore store, Path outDir) {
        double delta = store.behaviour().values().stream()
                .map(b -> b.get("settings") instanceof Map<?, ?> s && s.get("delta") instanceof Number d
                        ? d.doubleValue() : null)
                .filter(java.util.Objects::nonNull).findFirst()
                .orElse(org.prune4j.experiment.BehaviourSettings.DEFAULT_DELTA);
        return write(store, outDir, delta);
    }

    /**
     * Returns the files written. Runs evaluated beyond accuracy (a spec's {@code evaluate:}) add a
     * behaviour section per model, with prune potential at tolerance {@code deltaPoints}.
     */
    public static List<Path> write(ResultsStore store, Path outDir, double deltaPoints) {
        System.setProperty("java.awt.headless", "true");
        List<Map<String, Object>> all = store.runs();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("results database " + store.file() + " has no finished runs to report");
        }
        List<Path> lottery = LotteryReport.writeFromStore(all, outDir); // lottery.md and a plot per model
        List<Map<String, Object>> rows = all.stream().filter(r -> !"lottery".equals(r.get("kind"))).toList();
        List<ResultSeries> series = ResultSeries.from(rows);
        List<BehaviourPoints> behaviour = BehaviourPoints.from(rows, behaviourOf(store, rows));
        List<Path> written = new ArrayList<>(lottery);
        try {
            Files.createDirectories(outDir);
            StringBuilder html = new StringBuilder();
            StringBuilder markdown = new StringBuilder();
            html.append(HtmlPage.header("prune4j bench report", store.file(), all));
            for (Path p : lottery) {
                html.append(p.toString().endsWith(".png") ? "<p><img src=\"" + p.getFileName() + "\"></p>\n"
                        : "<p>Lottery tickets, accuracy per round: <a href=\"" + p.getFileName() + "\">"
                        + p.getFileName() + "</a></p>\n");
            }
            for (String model : new TreeSet<>(series.stream().map(ResultSeries::model).toList())) {
                List<ResultSeries> ofModel = series.stream().filter(s -> s.model().equals(model)).toList();
                String slug = model.replaceAll("[^A-Za-z0-9_-]", "_");
                String byCompression = "accuracy-vs-compression-" + slug;
                String bySpeedUp = "accuracy-vs-speedup-" + slug;
                written.addAll(save(chart(model, "compression (total / non-zero parameters)", ofModel,
                        p -> p.compression().mean()), outDir, byCompression));
                written.addAll(save(chart(model, "theoretical speed-up (total / non-zero MACs)", ofModel,
                        p -> p.speedUp().mean()), outDir, bySpeedUp));
                html.append(HtmlPage.modelSection(model, byCompression + ".png", bySpeedUp + ".png", ofModel));
                List<BehaviourPoints> behaviourOfModel = behaviour.stream().filter(p -> p.model().equals(model)).toList();
                if (!behaviourOfModel.isEmpty()) {
                    html.append(BehaviourSection.write(model, behaviourOfModel, deltaPoints, outDir, written));
                    markdown.append(BehaviourMarkdown.of(model, behaviourOfModel, deltaPoints));
                }
            }
            html.append(HtmlPage.runsTable(all)).append(HtmlPage.footer());
            if (!markdown.isEmpty()) {
                Path md = outDir.resolve("behaviour.md");
                Files.writeString(md, markdown.toString(), StandardCharsets.UTF_8);
                written.add(md);
            }
            Path index = outDir.resolve("index.html");
            Files.writeString(index, html.toString(), StandardCharsets.UTF_8);
            written.add(index);
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Each run's behaviour: its {@code evaluate:} result when the spec had one, else the clean-data
     * behaviour every run records (a pruning run's of its pruned model, a dense run's own).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> behaviourOf(ResultsStore store, List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> behaviour = new java.util.LinkedHashMap<>(store.behaviour());
        for (Map<String, Object> row : rows) {
            if (behaviour.containsKey((String) row.get("id")) || !(row.get("metrics") instanceof Map<?, ?> m)
                    || !(m.get("behaviour") instanceof Map<?, ?> b)) {
                continue;
            }
            Object own = b.containsKey("pruned") ? b.get("pruned") : b;
            if (own instanceof Map<?, ?> report && report.containsKey("ece")) { // not stores from before it existed
                behaviour.put((String) row.get("id"), (Map<String, Object>) report);
            }
        }
        return behaviour;
    }

    static XYChart chart(String model, String xTitle, List<ResultSeries> series,
            Function<ResultSeries.Point, Double> x) {
        XYChart chart = new XYChartBuilder().width(820).height(520).title(model + ": top-1 accuracy after fine-tuning")
                .xAxisTitle(xTitle).yAxisTitle("top-1 accuracy (%)").build();
        XYStyler styler = chart.getStyler();
        // x is plotted as log2 so that 1, 2, 4, ... 32 are evenly spaced and labelled (XChart's log axis labels decades only)
        chart.setCustomXAxisTickLabelsFormatter(v -> ResultSeries.trim(Math.round(Math.pow(2, v) * 100) / 100.0) + "×");
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setMarkerSize(7);
        styler.setErrorBarsColorSeriesColor(true);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        for (ResultSeries s : series) {
            List<ResultSeries.Point> points = s.points().stream()
                    .filter(p -> !Double.isNaN(p.top1().mean()) && x.apply(p) > 0).toList();
            if (points.isEmpty()) {
                continue;
            }
            double[] xs = points.stream().mapToDouble(p -> Math.log(x.apply(p)) / Math.log(2)).toArray();
            double[] ys = points.stream().mapToDouble(p -> 100 * p.top1().mean()).toArray();
            double[] err = points.stream().mapToDouble(p -> 100 * p.top1().sd()).toArray();
            XYSeries added = chart.addSeries(s.method(), xs, ys, err);
            if (s.method().equals("dense")) {
                added.setMarker(SeriesMarkers.DIAMOND);
            }
        }
        return chart;
    }

    private static List<Path> save(XYChart chart, Path dir, String name) throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        VectorGraphicsEncoder.saveVectorGraphic(chart, dir.resolve(name).toString(),
                VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        return List.of(dir.resolve(name + ".png"), dir.resolve(name + ".svg"));
    }
}
