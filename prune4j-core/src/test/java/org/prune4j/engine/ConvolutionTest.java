package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvolutionTest {

    /**
     * The routed 1×1 strided convolution is the same function as the engine's: outputs and both
     * gradients, in float64 (which PyTorch computes without oneDNN), odd sizes included.
     */
    @ParameterizedTest
    @CsvSource({"3, 8, 14, 2, 2", "7, 5, 13, 2, 2", "16, 32, 9, 3, 3", "4, 6, 10, 2, 1", "6, 6, 8, 2, 2"})
    void aStridedPointwiseConvolutionEqualsTheEnginesOwnWithTheSameGradients(int in, int out, int size, int sh, int sw) {
        try (NDManager m = Engines.get().newBaseManager()) {
            Engines.seed(3);
            NDArray x = m.randomNormal(new Shape(2, in, size, size), DataType.FLOAT64);
            NDArray w = m.randomNormal(new Shape(out, in, 1, 1), DataType.FLOAT64);
            NDArray b = m.randomNormal(new Shape(out), DataType.FLOAT64);
            int[] stride = {sh, sw};
            int[] none = {0, 0};
            int[] one = {1, 1};
            double[][] routed = outputAndGradients(x, w, b,
                    (xi, wi, bi) -> Convolution.conv2d(xi, wi, bi, stride, none, one, 1));
            double[][] plain = outputAndGradients(x, w, b, (xi, wi, bi) -> Conv2d.conv2d(xi, wi, bi,
                    new Shape(sh, sw), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow());
            for (int k = 0; k < plain.length; k++) {
                assertThat(routed[k]).hasSameSizeAs(plain[k]);
                for (int i = 0; i < plain[k].length; i++) {
                    assertThat(routed[k][i]).as("array %d element %d", k, i).isCloseTo(plain[k][i], within(1e-12));
                }
            }
        }
    }

    private interface Conv {
        NDArray apply(NDArray x, NDArray w, NDArray b);
    }

    /** y, dx, dw, db of sum(y * y) / 2. */
    private static double[][] outputAndGradients(NDArray x0, NDArray w0, NDArray b0, Conv conv) {
        NDArray x = x0.duplicate();
        NDArray w = w0.duplicate();
        NDArray b = b0.duplicate();
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        try (GradientCollector gc = Engines.get().newGradientCollector()) {
            NDArray y = conv.apply(x, w, b);
            gc.backward(Scalars.dividedBy(y.mul(y).sum(), 2));
            return new double[][] {y.toDoubleArray(), x.getGradient().toDoubleArray(), w.getGradient().toDoubleArray(),
                b.getGradient().toDoubleArray()};
        }
    }
}
