package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.List;
import java.util.Random;

class MInformationCriterionTest {

    /**
     * Pixel 0 is the protected attribute, pixel 1 the label, independent of each other; unit 0
     * reads the attribute and unit 1 the label, with equal weights. The unit that carries the
     * attribute must rank below the one that carries the label.
     */
    @Test
    void aUnitCarryingTheProtectedAttributeRanksBelowOneCarryingTheLabel() {
        int n = 1024;
        Random rng = new Random(1);
        float[] pixels = new float[n * 4];
        int[] labels = new int[n];
        int[] groups = new int[n];
        for (int i = 0; i < n; i++) {
            groups[i] = rng.nextInt(2);
            labels[i] = rng.nextInt(2);
            pixels[4 * i] = groups[i] + 0.1f * (float) rng.nextGaussian();
            pixels[4 * i + 1] = labels[i] + 0.1f * (float) rng.nextGaussian();
            pixels[4 * i + 2] = rng.nextFloat();
            pixels[4 * i + 3] = rng.nextFloat();
        }
        ImageDataset data = new ImageDataset("attribute-and-label", pixels, labels, 1, 2, 2, 2, groups);
        Graph graph = Graph.builder().setInput("x", new Shape(1, 2, 2)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(2), "flat").add("relu", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(2), "relu").setOutput("fc2").build();
        try (Model model = Model.builder().setGraph(graph).build()) {
            model.parameter("fc1", "weight").setValue(model.manager().create(new float[] {1, 0, 0, 0, 0, 1, 0, 0},
                    new Shape(2, 4)));
            model.parameter("fc1", "bias").setValue(model.manager().create(new float[] {0.5f, 0.5f}));
            Group fc1 = DependencyGraph.of(graph).groups().stream().filter(g -> g.root().equals("fc1")).findFirst()
                    .orElseThrow();
            MInformationCriterion criterion = new MInformationCriterion();
            criterion.calibrate(model, List.of(fc1),
                    new Calibration(DataLoader.builder().setDataset(data).setBatchSize(128).optShuffle(true).build(), 8));
            float[] scores = criterion.score(model, fc1);
            // unit 0: I(Y;X) ≈ 0, I(M;X) ≈ ln 2; unit 1 the other way round
            assertThat(Math.log(scores[0])).isCloseTo(-Math.log(2), within(0.1));
            assertThat(Math.log(scores[1])).isCloseTo(Math.log(2), within(0.1));

            ImageDataset plain = new ImageDataset("plain", pixels, labels, 1, 2, 2, 2);
            assertThatThrownBy(() -> new MInformationCriterion().calibrate(model, List.of(fc1),
                    new Calibration(DataLoader.builder().setDataset(plain).setBatchSize(128).build(), 1)))
                    .hasMessageContaining("needs a data set with a protected attribute").hasMessageContaining("plain");
        }
    }

    @Test
    void mutualInformationOfAVariableWithItselfIsItsEntropyAndWithAnIndependentOneZero() {
        int[] a = {0, 1, 0, 1, 0, 1, 0, 1};
        int[] b = {0, 0, 1, 1, 0, 0, 1, 1};
        assertThat(MInformationCriterion.mutualInformation(a, a)).isCloseTo(Math.log(2), within(1e-12));
        assertThat(MInformationCriterion.mutualInformation(a, b)).isCloseTo(0, within(1e-12));
    }

    @Test
    void equalValuesShareABinSoAReluZerosAreOne() {
        float[] x = {0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        int[] bins = MInformationCriterion.equalFrequencyBins(x, 5);
        for (int i = 0; i < 6; i++) {
            assertThat(bins[i]).isZero();
        }
        assertThat(bins[9]).isGreaterThan(bins[6]);
    }
}
