package org.prune4j.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.prune4j.engine.Engines;
import org.prune4j.engine.HessianVector;

import java.util.List;

class HessianVectorTest {

    @Test
    void productEqualsTheAnalyticHessianOfACubicTimesTheVectorOnEveryCall() {
        for (int call = 0; call < 3; call++) { // once garbage on the first call: weight.pow(3) kept a freed constant (Scalars)
            checkCubic();
        }
    }

    private static void checkCubic() {
        // loss = Σ w³ + Σ w·u  →  H = diag(6w) (u is linear, no curvature), H·v = 6·w·v
        float[] w = {0.5f, -1f, 2f, 0.25f};
        float[] v = {1f, 2f, -1f, 4f};
        try (NDManager m = Engines.get().newBaseManager()) {
            NDArray weight = Engines.create(m, w, new Shape(4));
            weight.setRequiresGradient(true);
            NDArray u = Engines.create(m, new float[] {3, 1, 4, 1}, new Shape(4));
            NDArray vector = Engines.create(m, v, new Shape(4));
            NDArray[] hv;
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray cube = weight.mul(weight).mul(weight);   // not pow(3): see Scalars
                hv = HessianVector.product(cube.sum().add(weight.mul(u).sum()), List.of(weight), List.of(vector), m);
            }
            float[] actual = hv[0].toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertThat((double) actual[i]).isCloseTo(6.0 * w[i] * v[i], within(1e-5));
            }
        }
    }
}
