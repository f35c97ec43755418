package org.prune4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;

class JacobianSpectrumTest {

    @Test
    void aLinearLayersJacobianIsItsWeightAndItsSingularValuesAreTheWeights() {
        Graph g = Graph.builder().setInput("x", new Shape(4, 1, 1)).add("flat", new FlattenOp(), "x")
                .add("fc", new LinearOp(2), "flat").setOutput("fc").build();
        try (Model m = Model.builder().setGraph(g).build()) {
            m.parameter("fc", "weight").setValue(m.manager().create(new float[] {0, 2, 0, 0, 0, 0, 0, -3},
                    new Shape(2, 4)));
            ImageDataset data = SyntheticImages.builder().setNumSamples(5).setShape(4, 1, 1).setNumClasses(2).build();
            JacobianSpectrum s = JacobianSpectrum.of(m, DataPipeline.evalLoader("synthetic", data), 5);
            assertThat(s.examples()).isEqualTo(5);
            assertThat(s.singularValues()).hasSize(10);
            assertThat(s.min()).isCloseTo(2, Offset.offset(1e-6));
            assertThat(s.max()).isCloseTo(3, Offset.offset(1e-6));
            assertThat(s.mean()).isCloseTo(2.5, Offset.offset(1e-6));
        }
    }

    @Test
    void theJacobianOfALeNetMatchesFiniteDifferencesOfItsLogits() {
        try (Model m = Model.builder().setGraph(org.prune4j.zoo.ModelZoo.build("lenet5",
                new org.prune4j.zoo.ZooOptions(1, 28, 10, 1.0))).optSeed(3).build();
                ai.djl.ndarray.NDManager nd = m.manager().newSubManager()) {
            java.util.Random rng = new java.util.Random(1);
            float[] x = new float[784];
            float[] v = new float[784];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextFloat();
                v[i] = (float) rng.nextGaussian();
            }
            double[][] j = JacobianSpectrum.jacobian(m, nd.create(x, new Shape(1, 1, 28, 28)))[0];
            double eps = 1e-3;
            float[] moved = x.clone();
            for (int i = 0; i < x.length; i++) {
                moved[i] += (float) (eps * v[i]);
            }
            float[] f0 = m.forward(nd.create(x, new Shape(1, 1, 28, 28)), false).toFloatArray();
            float[] f1 = m.forward(nd.create(moved, new Shape(1, 1, 28, 28)), false).toFloatArray();
            for (int c = 0; c < 10; c++) {
                double jv = 0;
                for (int i = 0; i < x.length; i++) {
                    jv += j[c][i] * v[i];
                }
                assertThat((f1[c] - f0[c]) / eps).as("class %d", c).isCloseTo(jv, Offset.offset(2e-2 * (1 + Math.abs(jv))));
            }
        }
    }

    @Test
    void singularValuesOfOrthogonalRowsAreTheirLengths() {
        double[][] j = {{3, 0, 0}, {0, 0, 4}};
        assertThat(JacobianSpectrum.singularValues(j)).containsExactly(new double[] {3, 4}, Offset.offset(1e-9));
    }
}
