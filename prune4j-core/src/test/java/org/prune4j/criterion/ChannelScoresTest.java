package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.List;

class ChannelScoresTest {

    /** A criterion that gives {@code bad} to the last channel of the group rooted at {@code layer}. */
    private static ChannelCriterion giving(float bad, String layer, int extra) {
        return new ChannelCriterion() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public float[] score(Model m, Group g) {
                float[] s = new float[g.size() + (g.root().equals(layer) ? extra : 0)];
                if (g.root().equals(layer)) {
                    s[g.size() - 1] = bad;
                }
                return s;
            }
        };
    }

    @Test
    void anInfiniteOrNaNScoreStopsWithTheLayerItCameFrom() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            String layer = groups.get(1).root();
            assertThatThrownBy(() -> ChannelScores.of(model, giving(Float.POSITIVE_INFINITY, layer, 0), groups, null))
                    .hasMessageContaining("criterion 'broken' gave Infinity for group " + layer);
            assertThatThrownBy(() -> ChannelScores.of(model, giving(Float.NaN, layer, 0), groups, null))
                    .hasMessageContaining("gave NaN for group " + layer);
            assertThatThrownBy(() -> ChannelScores.of(model, giving(0, layer, 1), groups, null))
                    .hasMessageContaining("scores for the " + groups.get(1).size() + " channels of group " + layer);
            assertThat(ChannelScores.of(model, giving(0, layer, 0), groups, null)).hasSize(groups.size());
        }
    }

    @Test
    void aDataDrivenCriterionWithoutDataSaysWhatIsMissing() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            assertThatThrownBy(() -> ChannelScores.of(model, ChannelCriteria.create("taylor", 0), groups, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("criterion 'taylor' needs calibration data");
        }
    }
}
