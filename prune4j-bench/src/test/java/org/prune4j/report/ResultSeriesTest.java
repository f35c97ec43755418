package org.prune4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class ResultSeriesTest {

    static Map<String, Object> row(String schedule, long seed, double top1) {
        Map<String, Object> settings = new HashMap<>(Map.of("kind", "unstructured", "method", "global-magnitude",
                "compression", 8.0, "schedule", schedule, "seed", seed,
                "fineTune", Map.of("epochs", 2, "learningRate", 0.01, "seed", seed)));
        Map<String, Object> r = new HashMap<>();
        r.put("model", "lenet5");
        r.put("kind", "unstructured");
        r.put("method", "global-magnitude");
        r.put("compression", 8.0);
        r.put("seed", seed);
        r.put("top1_finetuned", top1);
        r.put("actual_compression", 8.0);
        r.put("theoretical_speedup", Double.POSITIVE_INFINITY); // a degenerate value must not poison the mean
        r.put("settings", settings);
        return r;
    }

    @Test
    void runsAreAveragedOverSeedsOnlyNeverAcrossDifferentSettings() {
        List<ResultSeries> series = ResultSeries.from(List.of(row("oneshot", 0, 0.90), row("oneshot", 1, 0.92),
                row("agp", 0, 0.80)));
        assertThat(series).hasSize(2);
        ResultSeries oneShot = series.stream().filter(s -> s.method().contains("oneshot")).findFirst().orElseThrow();
        assertThat(oneShot.points()).hasSize(1);
        assertThat(oneShot.points().get(0).seeds()).isEqualTo(2);
        assertThat(oneShot.points().get(0).top1().mean()).isCloseTo(0.91, within(1e-12));
        assertThat(oneShot.points().get(0).speedUp().n()).isZero();
        ResultSeries agp = series.stream().filter(s -> s.method().contains("agp")).findFirst().orElseThrow();
        assertThat(agp.points().get(0).top1().mean()).isEqualTo(0.80);
    }
}
