package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class SospCriterionTest {

    private static final ImageDataset DATA =
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).build();
    private static final double H = 1e-5;

    /**
     * The Gauss-Newton terms equal the explicit form {@code (1/N) Σ_n (J_n u)ᵀ R_n (J_n v)},
     * {@code R_n = diag(p_n) − p_n p_nᵀ}, with every {@code J_n u} a central difference of the
     * logits in float64: sosp-h's {@code θ_sᵀ G θ} and sosp-i's {@code θ_sᵀ G θ_s'} for pairs
     * within and across groups of a residual network with batch norm.
     */
    @Test
    void gaussNewtonTermsEqualTheExplicitFormFromTheLogitsJacobian() {
        try (Model model = Model.builder().setGraph(SecondOrderFixtures.smoothResidualNet()).optSeed(5)
                .optDataType(DataType.FLOAT64).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration one = new Calibration(DataLoader.builder().setDataset(DATA.slice(0, 8)).setBatchSize(8).build(), 1);
            one.forEach(model, (step, xy) -> {
                BatchGradient batch = BatchGradient.of(model, xy);
                Map<String, double[]> row = SospCriterion.rowTerms(model, groups, step, xy, batch);
                double[][] pairs = SospCriterion.pairTerms(model, groups, step, xy, batch);
                Map<String, double[]> w = batch.weights();
                double[] p = softmax(SecondOrderFixtures.logits(model, xy, w, Map.of(), 0), 10);
                Map<String, double[]> theta = new HashMap<>();   // the weights of every parameter a group slices
                List<Map<String, double[]>> structures = new ArrayList<>();
                for (Group g : groups) {
                    GroupSlices.of(model, g).forEach(s -> {
                        String name = model.parameter(s.node(), s.parameter()).fullName();
                        theta.put(name, w.get(name));
                    });
                    for (int k = 0; k < g.size(); k++) {
                        structures.add(SecondOrderFixtures.channelDirection(model, g, k, w));
                    }
                }
                double[] jTheta = jacobianTimes(model, xy, w, theta);
                int s = 0;
                for (Group g : groups) {
                    for (int k = 0; k < g.size(); k++, s++) {
                        double[] ju = jacobianTimes(model, xy, w, structures.get(s));
                        double expected = gaussNewtonForm(ju, jTheta, p, 10);
                        assertThat(row.get(g.root())[k]).as("sosp-h term, group %s channel %d", g.root(), k)
                                .isCloseTo(expected, within(1e-7 + 1e-5 * Math.abs(expected)));
                        for (int t : new int[] {0, 3, structures.size() - 1}) {
                            double pair = gaussNewtonForm(ju, jacobianTimes(model, xy, w, structures.get(t)), p, 10);
                            assertThat(pairs[s][t]).as("sosp-i pair (%d, %d)", s, t)
                                    .isCloseTo(pair, within(1e-7 + 1e-5 * Math.abs(pair)));
                        }
                        assertThat(pairs[s][s]).as("a Gauss-Newton diagonal is non-negative").isGreaterThanOrEqualTo(0);
                    }
                }
                assertThat(s).isEqualTo(pairs.length);
                SecondOrderFixtures.restore(model, w);
            });
        }
    }

    /**
     * The saliencies: sosp-h {@code |mean θ_sᵀg| + ½ |mean θ_sᵀGθ|}, sosp-i with the absolute
     * value inside the sum over pairs, so that sosp-i is never below sosp-h (triangle inequality).
     */
    @Test
    void saliencesCombineTheMeanTermsAndSospIBoundsSospH() {
        try (Model model = Model.builder().setGraph(SecondOrderFixtures.smoothResidualNet()).optSeed(2).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration two = new Calibration(DataLoader.builder().setDataset(DATA).setBatchSize(16).build(), 2);
            Map<Group, float[]> h = ChannelScores.of(model, ChannelCriteria.create("sosp-h", 0), groups, two);
            Map<Group, float[]> i = ChannelScores.of(model, ChannelCriteria.create("sosp-i", 0), groups, two);
            Map<String, double[]> first = new HashMap<>();
            Map<String, double[]> second = new HashMap<>();
            two.forEach(model, (step, xy) -> {
                BatchGradient batch = BatchGradient.of(model, xy);
                Map<String, double[]> row = SospCriterion.rowTerms(model, groups, step, xy, batch);
                for (Group g : groups) {
                    Scores.accumulate(first, g.root(), batch.firstOrder(model, g));
                    Scores.accumulate(second, g.root(), row.get(g.root()));
                }
            });
            int strictlyAbove = 0;
            for (Group g : groups) {
                for (int k = 0; k < g.size(); k++) {
                    double expected = Math.abs(first.get(g.root())[k] / 2) + 0.5 * Math.abs(second.get(g.root())[k] / 2);
                    assertThat((double) h.get(g)[k]).as("sosp-h, group %s channel %d", g.root(), k)
                            .isCloseTo(expected, within(1e-6 * (1 + expected)));
                    assertThat(i.get(g)[k]).isGreaterThanOrEqualTo(h.get(g)[k] * (1 - 1e-5f));
                    strictlyAbove += i.get(g)[k] > h.get(g)[k] * 1.01f ? 1 : 0;
                }
            }
            assertThat(strictlyAbove).as("channels whose cross terms have mixed signs").isPositive();
        }
    }

    @Test
    void sospIRefusesNetworksTooLargeForItsPairwiseForm() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", ZooOptions.fashionMnist())).optSeed(0).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration one = new Calibration(DataLoader.builder().setDataset(
                    SyntheticImages.builder().setNumSamples(4).setShape(1, 28, 28).setNumClasses(10).build())
                    .setBatchSize(4).build(), 1);
            assertThatThrownBy(() -> ChannelScores.of(model, ChannelCriteria.create("sosp-i", 0), groups, one))
                    .hasMessageContaining("sosp-i").hasMessageContaining("structures").hasMessageContaining("sosp-h");
        }
    }

    /** {@code J·u} by central differences of the logits (flattened n-major). */
    private static double[] jacobianTimes(Model model, NDList xy, Map<String, double[]> w, Map<String, double[]> u) {
        double[] plus = SecondOrderFixtures.logits(model, xy, w, u, H);
        double[] minus = SecondOrderFixtures.logits(model, xy, w, u, -H);
        double[] ju = new double[plus.length];
        for (int i = 0; i < ju.length; i++) {
            ju[i] = (plus[i] - minus[i]) / (2 * H);
        }
        return ju;
    }

    private static double gaussNewtonForm(double[] a, double[] b, double[] p, int classes) {
        int n = a.length / classes;
        double total = 0;
        for (int e = 0; e < n; e++) {
            double pa = 0;
            double pb = 0;
            double diag = 0;
            for (int c = 0; c < classes; c++) {
                int i = e * classes + c;
                pa += p[i] * a[i];
                pb += p[i] * b[i];
                diag += p[i] * a[i] * b[i];
            }
            total += diag - pa * pb;
        }
        return total / n;
    }

    private static double[] softmax(double[] logits, int classes) {
        double[] p = new double[logits.length];
        for (int e = 0; e < logits.length / classes; e++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[e * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[e * classes + c] = Math.exp(logits[e * classes + c] - max);
                sum += p[e * classes + c];
            }
            for (int c = 0; c < classes; c++) {
                p[e * classes + c] /= sum;
            }
        }
        return p;
    }
}
