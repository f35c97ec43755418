package org.prune4j.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.prune4j.lottery.LotteryResult;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The lottery-ticket plot: test accuracy against the share of prunable weights left (log scale,
 * dense on the right), one curve per variant (rewind or COLT) and per control, each the mean over
 * the results given for it (e.g. seeds), starting from the dense accuracy; the dense accuracy as a
 * grey line.
 */
public final class LotteryCharts {

    private LotteryCharts() {}

    public static XYChart accuracyPerRound(String title, Map<String, List<LotteryResult>> byVariant) {
        XYChart chart = new XYChartBuilder().width(720).height(500).title(title)
                .xAxisTitle("prunable weights left (%)").yAxisTitle("top-1 accuracy (%)").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideSW)
                .setMarkerSize(5).setChartBackgroundColor(java.awt.Color.WHITE);
        double dense = byVariant.values().stream().flatMap(List::stream).mapToDouble(LotteryResult::denseTop1)
                .average().orElse(Double.NaN);
        double sparsest = 100;
        for (Map.Entry<String, List<LotteryResult>> e : byVariant.entrySet()) {
            List<LotteryResult> results = e.getValue();
            int rounds = results.stream().mapToInt(r -> r.rounds().size()).min().orElse(0);
            if (rounds == 0) {
                continue;
            }
            double[] density = curve(results, rounds, 100, LotteryResult.Round::density);
            sparsest = Math.min(sparsest, density[rounds]);
            chart.addSeries(e.getKey(), density, curve(results, rounds, 100 * dense, LotteryResult.Round::top1));
            for (String control : results.get(0).rounds().get(0).controls().keySet()) {
                chart.addSeries(e.getKey() + ", " + control, density, curve(results, rounds, 100 * dense,
                        r -> r.controls().getOrDefault(control, Double.NaN)));
            }
        }
        XYSeries line = chart.addSeries("dense", new double[] {sparsest, 100}, new double[] {100 * dense, 100 * dense});
        line.setMarker(SeriesMarkers.NONE).setLineColor(java.awt.Color.GRAY);
        return chart;
    }

    /** Round 0 (the dense model: {@code start}, in %) then the mean of {@code value} over the results, in %. */
    private static double[] curve(List<LotteryResult> results, int rounds, double start,
            ToDoubleFunction<LotteryResult.Round> value) {
        double[] ys = new double[rounds + 1];
        ys[0] = start;
        for (int i = 0; i < rounds; i++) {
            int round = i;
            ys[i + 1] = 100 * results.stream().mapToDouble(r -> value.applyAsDouble(r.rounds().get(round))).average()
                    .orElseThrow();
        }
        return ys;
    }
}
