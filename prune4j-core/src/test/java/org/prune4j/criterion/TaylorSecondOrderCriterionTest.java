package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.ArrayList;
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
        try (Model model = Model.builder().setGraph(smoothResidualNet()).optSeed(5).optDataType(DataType.FLOAT64).build()) {
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
                        Map<String, double[]> u = channelDirection(model, g, k, original);
                        double dAlpha = (f(model, xy, original, u, H, 0) - f(model, xy, original, u, -H, 0)) / (2 * H);
                        double dAlphaBeta = (f(model, xy, original, u, H, H) - f(model, xy, original, u, H, -H)
                                - f(model, xy, original, u, -H, H) + f(model, xy, original, u, -H, -H)) / (4 * H * H);
                        TaylorSecondOrderCriterion.Terms t = terms.get(g.root());
                        String what = "group " + g.root() + " channel " + k;
                        assertThat(t.firstOrder()[k]).as("first order, " + what)
                                .isCloseTo(dAlpha, within(1e-7 + 1e-5 * Math.abs(dAlpha)));
                        assertThat(t.quadratic()[k]).as("quadratic, " + what)
                                .isCloseTo(dAlphaBeta, within(1e-6 + 1e-4 * Math.abs(dAlphaBeta)));
                        double dAlphaAlpha = (f(model, xy, original, u, H, 0) - 2 * f(model, xy, original, u, 0, 0)
                                + f(model, xy, original, u, -H, 0)) / (H * H);
                        assertThat(ownBlock.get(g.root()).firstOrder()[k]).isEqualTo(t.firstOrder()[k]);
                        assertThat(ownBlock.get(g.root()).quadratic()[k]).as("own block, " + what)
                                .isCloseTo(dAlphaAlpha, within(1e-6 + 1e-4 * Math.abs(dAlphaAlpha)));
                        curved += Math.abs(dAlphaBeta) > 1e-3 && Math.abs(dAlphaAlpha) > 1e-3 ? 1 : 0;
                    }
                }
                assertThat(curved).as("channels whose quadratic term is not negligible").isGreaterThan(2);
                restore(model, original);
            });
        }
    }

    /** The score is the squared second-order estimate −first + ½·quadratic, summed over the batches. */
    @ParameterizedTest
    @EnumSource(TaylorSecondOrderCriterion.Curvature.class)
    void theScoreSumsTheSquaredEstimateOverBatches(TaylorSecondOrderCriterion.Curvature curvature) {
        try (Model model = Model.builder().setGraph(smoothResidualNet()).optSeed(2).build()) {
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

    /** conv → BN → SiLU, then conv → BN added to it (one coupled group), SiLU, average pool, linear. */
    private static Graph smoothResidualNet() {
        return Graph.builder().setInput("x", new Shape(1, 28, 28))
                .add("c1", Conv2dOp.builder().setOutChannels(6).setKernel(3).optStride(2).optPadding(1).build(), "x")
                .add("bn1", new BatchNormOp())
                .add("act1", new ActivationOp(ActivationOp.Kind.SILU))
                .add("c2", Conv2dOp.builder().setOutChannels(6).setKernel(3).optPadding(1).build())
                .add("bn2", new BatchNormOp())
                .add("res", new AddOp(), "bn2", "act1")
                .add("act2", new ActivationOp(ActivationOp.Kind.SILU))
                .add("c3", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build())
                .add("act3", new ActivationOp(ActivationOp.Kind.SILU))
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10))
                .build();
    }

    /** The loss with every trainable parameter set to {@code w + α·u + β·w}. */
    private static double f(Model model, NDList xy, Map<String, double[]> w, Map<String, double[]> u, double alpha,
            double beta) {
        for (Parameter p : model.trainableParameters()) {
            double[] base = w.get(p.fullName());
            double[] dir = u.get(p.fullName());
            double[] v = new double[base.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = base[i] + alpha * (dir == null ? 0 : dir[i]) + beta * base[i];
            }
            p.setValue(Engines.create(model.manager(), v, p.value().getShape()));
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false);
            logits.attach(scope);
            try (NDArray loss = Loss.crossEntropy(logits, xy.get(1))) {
                return loss.getDouble();
            }
        }
    }

    private static void restore(Model model, Map<String, double[]> w) {
        for (Parameter p : model.trainableParameters()) {
            p.setValue(Engines.create(model.manager(), w.get(p.fullName()), p.value().getShape()));
        }
    }

    /** The group's slices of channel k, with their weights; every other element zero. */
    private static Map<String, double[]> channelDirection(Model model, Group g, int k, Map<String, double[]> w) {
        Map<String, double[]> u = new HashMap<>();
        for (GroupSlices.Slice s : GroupSlices.of(model, g)) {
            Parameter p = model.parameter(s.node(), s.parameter());
            double[] values = w.get(p.fullName());
            double[] dir = u.computeIfAbsent(p.fullName(), n -> new double[values.length]);
            long[] dims = p.value().getShape().getShape();
            long inner = 1;
            for (int d = s.axis() + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            List<Integer> mine = new ArrayList<>(g.indicesIn(s.space(), k));
            for (int i = 0; i < values.length; i++) {
                if (mine.contains((int) ((i / inner) % dims[s.axis()]))) {
                    dir[i] = values[i];
                }
            }
        }
        return u;
    }
}
