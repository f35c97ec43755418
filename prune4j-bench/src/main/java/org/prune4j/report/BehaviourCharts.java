package org.prune4j.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prune4j.evaluation.ReliabilityDiagram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Plots of behaviour beyond accuracy: reliability diagrams (accuracy against confidence per bin,
 * the diagonal being perfect calibration) and accuracy against corruption severity.
 */
public final class BehaviourCharts {

    private BehaviourCharts() {}

    /** One curve per model (e.g. dense and pruned at each budget) over the same bins. */
    public static XYChart reliability(String title, Map<String, ReliabilityDiagram> diagrams) {
        XYChart chart = new XYChartBuilder().width(620).height(520).title(title)
                .xAxisTitle("confidence").yAxisTitle("accuracy").build();
        style(chart);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        XYSeries diagonal = chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        diagonal.setMarker(SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY);
        diagrams.forEach((name, d) -> {
            List<ReliabilityDiagram.Bin> bins = d.bins().stream().filter(b -> b.count() > 0).toList();
            if (!bins.isEmpty()) {
                chart.addSeries(String.format("%s (ECE %.3f)", name, d.ece()),
                        bins.stream().mapToDouble(ReliabilityDiagram.Bin::confidence).toArray(),
                        bins.stream().mapToDouble(ReliabilityDiagram.Bin::accuracy).toArray());
            }
        });
        return chart;
    }

    /**
     * Accuracy (%) against severity 0 (clean) to 5, one curve per series; {@code curves} maps a
     * series name to its accuracy at severities 0..5 (NaN where not measured).
     */
    public static XYChart severity(String title, Map<String, double[]> curves) {
        XYChart chart = new XYChartBuilder().width(620).height(460).title(title)
                .xAxisTitle("severity (0 = clean)").yAxisTitle("top-1 accuracy (%)").build();
        style(chart);
        curves.forEach((name, accuracy) -> {
            int n = 0;
            for (double a : accuracy) {
                n += Double.isNaN(a) ? 0 : 1;
            }
            double[] xs = new double[n];
            double[] ys = new double[n];
            for (int s = 0, i = 0; s < accuracy.length; s++) {
                if (!Double.isNaN(accuracy[s])) {
                    xs[i] = s;
                    ys[i++] = 100 * accuracy[s];
                }
            }
            if (n > 0) {
                chart.addSeries(name, xs, ys);
            }
        });
        return chart;
    }

    /** Saves a chart as {@code name.png} in {@code dir}; returns the file. */
    public static Path savePng(XYChart chart, Path dir, String name) {
        System.setProperty("java.awt.headless", "true");
        try {
            Files.createDirectories(dir);
            BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
            return dir.resolve(name + ".png");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name + ".png") + ": " + e.getMessage(), e);
        }
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW).setMarkerSize(6)
                .setChartBackgroundColor(java.awt.Color.WHITE);
    }
}
