package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class TaylorSecondOrderCriterionTest {

    private static final ImageDataset DATA =
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).build();
    private static final double H = 1e-4;

    /**
     * With f(α, β) = L(W + α·u + β·W), u the channel's weights in every slice of its group (zero
     * elsewhere): the first-order term is ∂f/∂α, the row quadratic term uᵀ·H·W is ∂²f/∂α∂β and
     * the own-block term uᵀ·H·u is ∂²f/∂α², all by central differences in float64, through a residual block with batch norm. The network is
     * smooth (SiLU, average pooling) so that finite differences do not straddle ReLU kinks: on
     * ResNet-20 they moved by 1e-3 between steps of 1e-4 and 1e-5.
     */
    @Test
    void theTermsAreTheLossDerivativesAlongTheChannelAndTheWeights() {
        try (Model model = Model.builder().setGraph(SecondOrderFixtures.smoothResidualNet()).optSeed(5).optDataType(DataType.FLOAT64).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration one = new Calibration(DataLoader.builder().setDataset(DATA.slice(0, 16)).setBatchSize(16).build(), 1);
            one.forEach(model, (step, xy) -> {
                Map<String, TaylorSecondOrderCriterion.Terms> terms =
                        TaylorSecondOrderCriterion.terms(model, groups, step, xy, TaylorSecondOrderCriterion.Curvature.ROW);
                Map<String, TaylorSecondOrderCriterion.Terms> ownBlock =
                        TaylorSecondOrderCriterion.terms(model, groups, step, xy, TaylorSecondOrderCriterion.Curvature.OWN_BLOCK);
                Map<String, double[]> original = new HashMap<>();
                model.trainableParameters().forEach(p -> original.put(p.fullName(), p.value().toDoubleArray()));
                int curved = 0;
                assertThat(groups).hasSize(2);
                for (Group g : groups) {
                    for (int k : new int[] {0, g.size() - 1}) {
                        Map<String, double[]> u = SecondOrderFixtures.channelDirection(model, g, k, original);
                        double dAlpha = (SecondOrderFixtures.loss(model, xy, original, u, H, 0) - SecondOrderFixtures.loss(model, xy, original, u, -H, 0)) / (2 * H);
                        double dAlphaBeta = (SecondOrderFixtures.loss(model, xy, original, u, H, H) - SecondOrderFixtures.loss(model, xy, original, u, H, -H)
                                - SecondOrderFixtures.loss(model, xy, original, u, -H, H) + SecondOrderFixtures.loss(model, xy, original, u, -H, -H)) / (4 * H * H);
                        TaylorSecondOrderCriterion.Terms t = terms.get(g.root());
                        String what = "group " + g.root() + " channel " + k;
                        assertThat(t.firstOrder()[k]).as("first order, " + what)
                                .isCloseTo(dAlpha, within(1e-7 + 1e-5 * Math.abs(dAlpha)));
                        assertThat(t.quadratic()[k]).as("quadratic, " + what)
                                .isCloseTo(dAlphaBeta, within(1e-6 + 1e-4 * Math.abs(dAlphaBeta)));
                        double dAlphaAlpha = (SecondOrderFixtures.loss(model, xy, original, u, H, 0) - 2 * SecondOrderFixtures.loss(model, xy, original, u, 0, 0)
                                + SecondOrderFixtures.loss(model, xy, original, u, -H, 0)) / (H * H);
                        assertThat(ownBlock.get(g.root()).firstOrder()[k]).isEqualTo(t.firstOrder()[k]);
                        assertThat(ownBlock.get(g.root()).quadratic()[k]).as("own block, " + what)
                                .isCloseTo(dAlphaAlpha, within(1e-6 + 1e-4 * Math.abs(dAlphaAlpha)));
                        curved += Math.abs(dAlphaBeta) > 1e-3 && Math.abs(dAlphaAlpha) > 1e-3 ? 1 : 0;
                    }
                }
                assertThat(curved).as("channels whose quadratic term is not negligible").isGreaterThan(2);
                SecondOrderFixtures.restore(model, original);
            });
        }
    }

    /** The score is the squared second-order estimate −first + ½·quadratic, summed over the batches. */
    @ParameterizedTest
    @EnumSource(TaylorSecondOrderCriterion.Curvature.class)
    void theScoreSumsTheSquaredEstimateOverBatches(TaylorSecondOrderCriterion.Curvature curvature) {
        try (Model model = Model.builder().setGraph(SecondOrderFixtures.smoothResidualNet()).optSeed(2).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration two = new Calibration(DataLoader.builder().setDataset(DATA).setBatchSize(16).build(), 2);
            String name = curvature == TaylorSecondOrderCriterion.Curvature.ROW ? "taylor-so" : "taylor-so-block";
            Map<Group, float[]> scores = ChannelScores.of(model, ChannelCriteria.create(name, 0), groups, two);
            Map<String, double[]> expected = new HashMap<>();
            two.forEach(model, (step, xy) -> TaylorSecondOrderCriterion.terms(model, groups, step, xy, curvature)
                    .forEach((root, t) -> {
                double[] acc = expected.computeIfAbsent(root, r -> new double[t.firstOrder().length]);
                for (int k = 0; k < acc.length; k++) {
                    double e = -t.firstOrder()[k] + 0.5 * t.quadratic()[k];
                    acc[k] += e * e;
                }
            }));
            for (Group g : groups) {
                for (int k = 0; k < g.size(); k++) {
                    double e = expected.get(g.root())[k];
                    assertThat((double) scores.get(g)[k]).as("group %s channel %d", g.root(), k)
                            .isCloseTo(e, within(1e-6 * (1 + e)));
                }
            }
        }
    }
}
