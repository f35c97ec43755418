package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChannelCriteriaTest {

    /** Results name a criterion by its name(), run ids by its registered name: the two must agree. */
    @Test
    void aCriterionRegisteredUnderAnotherNameThanItsOwnIsRefused() {
        assertThatThrownBy(() -> ChannelCriteria.register("l1-again", seed -> new MagnitudeChannelCriterion(1)))
                .hasMessageContaining("'l1-again'").hasMessageContaining("calls itself 'l1'");
        assertThat(ChannelCriteria.names()).doesNotContain("l1-again");
    }

    @Test
    void unknownCriteriaAreRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> ChannelCriteria.create("l3", 0)).hasMessageContaining("'l3'")
                .hasMessageContaining("l1").hasMessageContaining("taylor");
    }
}
