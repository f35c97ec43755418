package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class BottlenecksTest {

    @Test
    void aGroupThatScoresAboveTheOthersIsKeptWholeAndFlagged() {
        Map<String, float[]> scores = new LinkedHashMap<>();
        scores.put("a", new float[] {1, 2, 3, 4});
        scores.put("wide", new float[] {50, 60, 70, 80});
        scores.put("b", new float[] {5, 6, 7, 8});
        List<Bottlenecks.Layer> kept = Bottlenecks.kept(scores, 0.5);
        assertThat(kept).extracting(Bottlenecks.Layer::kept).containsExactly(1, 4, 1);
        assertThat(Bottlenecks.flagged(kept, 0.9)).extracting(Bottlenecks.Layer::group).containsExactly("wide");
    }

    @Test
    void everyGroupKeepsOneChannelAndTheRemovedCountMovesToOtherGroups() {
        Map<String, float[]> scores = new LinkedHashMap<>();
        scores.put("tiny", new float[] {0, 0});
        scores.put("big", new float[] {1, 2, 3, 4, 5, 6});
        // 4 of 8 removed: "tiny" can give one, the other three come from "big"
        assertThat(Bottlenecks.kept(scores, 0.5)).extracting(Bottlenecks.Layer::kept).containsExactly(1, 3);
    }

    @Test
    void aRemovedFractionOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> Bottlenecks.kept(Map.of("a", new float[] {1}), 1.0))
                .hasMessageContaining("[0, 1)").hasMessageContaining("1.0");
    }
}
