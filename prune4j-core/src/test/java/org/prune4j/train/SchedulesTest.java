package org.prune4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.prune4j.train.schedule.LearningRateSchedule;
import org.prune4j.train.schedule.Schedules;

class SchedulesTest {

    private static final Offset<Double> CLOSE = Offset.offset(1e-9);

    @Test
    void cosineStartsAtTheBaseRateAndEndsAtZero() {
        LearningRateSchedule s = Schedules.create("cosine", 0.1, 100, 0);
        assertThat(s.rateAt(0)).isCloseTo(0.1, CLOSE);
        assertThat(s.rateAt(50)).isCloseTo(0.05, CLOSE);
        assertThat(s.rateAt(100)).isCloseTo(0.0, CLOSE);
    }

    @Test
    void stepDropsTenfoldAtHalfAndThreeQuarters() {
        LearningRateSchedule s = Schedules.create("step", 0.1, 100, 0);
        assertThat(s.rateAt(49)).isCloseTo(0.1, CLOSE);
        assertThat(s.rateAt(50)).isCloseTo(0.01, CLOSE);
        assertThat(s.rateAt(75)).isCloseTo(0.001, CLOSE);
    }

    @Test
    void oneCyclePeaksAtThirtyPercentAndEndsFarBelowTheStart() {
        LearningRateSchedule s = Schedules.create("onecycle", 0.1, 1000, 0);
        assertThat(s.rateAt(0)).isCloseTo(0.1 / 25, CLOSE);
        assertThat(s.rateAt(299)).isCloseTo(0.1, CLOSE);
        assertThat(s.rateAt(999)).isCloseTo(0.1 / 25 / 1e4, CLOSE);
    }

    @Test
    void warmupRisesLinearlyToTheSchedule() {
        LearningRateSchedule s = Schedules.create("constant", 0.2, 100, 10);
        assertThat(s.rateAt(0)).isCloseTo(0.02, CLOSE);
        assertThat(s.rateAt(4)).isCloseTo(0.1, CLOSE);
        assertThat(s.rateAt(10)).isCloseTo(0.2, CLOSE);
    }

    @Test
    void badNamesAndValuesAreRejectedWithTheValue() {
        assertThatThrownBy(() -> Schedules.create("linear-decay", 0.1, 10, 0)).hasMessageContaining("linear-decay")
                .hasMessageContaining("cosine");
        assertThatThrownBy(() -> Schedules.create("cosine", -1, 10, 0)).hasMessageContaining("-1");
        assertThatThrownBy(() -> Schedules.create("cosine", 0.1, 10, 10)).hasMessageContaining("warm-up");
    }
}
