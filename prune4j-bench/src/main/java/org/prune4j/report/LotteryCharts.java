package org.prune4j.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prune4j.lottery.LotteryResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lottery-ticket plot: test accuracy against the share of prunable weights left (log scale,
 * from dense on the right to sparse on the left), one curve for the ticket and one per control,
 * each the mean over the results given (e.g. seeds), with the dense accuracy as a line.
 */
public final class LotteryCharts {

    private LotteryCharts() {}

    public static XYChart accuracyPerRound(String title, List<LotteryResult> results) {
        XYChart chart = new XYChartBuilder().width(680).height(480).title(title)
                .xAxisTitle("prunable weights left (%)").yAxisTitle("top-1 accuracy (%)").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSW)
                .setMarkerSize(6).setChartBackgroundColor(java.awt.Color.WHITE);
        int rounds = results.stream().mapToInt(r -> r.rounds().size()).min().orElse(0);
        if (rounds == 0) {
            return chart;
        }
        double[] density = new double[rounds + 1];
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("ticket", new double[rounds + 1]);
        results.get(0).rounds().get(0).controls().keySet().forEach(c -> curves.put(c, new double[rounds + 1]));
        double dense = results.stream().mapToDouble(LotteryResult::denseTop1).average().orElse(Double.NaN);
        density[0] = 100;
        curves.values().forEach(c -> c[0] = 100 * dense); // round 0 is the dense model for every curve
        for (int i = 0; i < rounds; i++) {
            int round = i;
            density[i + 1] = 100 * results.stream().mapToDouble(r -> r.rounds().get(round).density()).average()
                    .orElseThrow();
            curves.get("ticket")[i + 1] = 100 * results.stream().mapToDouble(r -> r.rounds().get(round).top1())
                    .average().orElseThrow();
            for (String c : curves.keySet()) {
                if (!c.equals("ticket")) {
                    curves.get(c)[i + 1] = 100 * results.stream()
                            .mapToDouble(r -> r.rounds().get(round).controls().getOrDefault(c, Double.NaN))
                            .average().orElseThrow();
                }
            }
        }
        curves.forEach((name, ys) -> chart.addSeries(name, density, ys));
        XYSeries line = chart.addSeries("dense", new double[] {density[rounds], 100}, new double[] {100 * dense,
                100 * dense});
        line.setMarker(SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY);
        return chart;
    }
}
