package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.ScaleShiftOp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Constants inside a recorded graph stay right when the JVM frees and re-uses direct buffers
 * between the forward and the backward pass. With DJL's Number overloads ({@code x.mul(2f)},
 * {@code Activation.swish}, {@code relu6}) about 3 in 5 of these gradients read the re-used
 * memory (1e30 here) instead of the constant.
 */
class ScalarsTest {

    private static final int TRIALS = 20;
    private static final float[] INPUTS = {-7.5f, -4f, -2.5f, -1f, -0.25f, 0.5f, 1.5f, 2.5f, 4f, 7.5f};

    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of("times", (UnaryOperator<NDArray>) x -> Scalars.times(x, 2), (DoubleUnaryOperator) x -> 2),
                Arguments.of("dividedBy", (UnaryOperator<NDArray>) x -> Scalars.dividedBy(x, 4), (DoubleUnaryOperator) x -> 0.25),
                Arguments.of("plus then times", (UnaryOperator<NDArray>) x -> Scalars.times(Scalars.plus(x, 1), 3),
                        (DoubleUnaryOperator) x -> 3),
                Arguments.of("scale-shift", op(new ScaleShiftOp(0.5, -1.25)), (DoubleUnaryOperator) x -> 0.5),
                Arguments.of("relu6", op(new ActivationOp(ActivationOp.Kind.RELU6)),
                        (DoubleUnaryOperator) x -> x > 0 && x < 6 ? 1 : 0),
                Arguments.of("hard-sigmoid", op(new ActivationOp(ActivationOp.Kind.HARD_SIGMOID)),
                        (DoubleUnaryOperator) x -> x > -3 && x < 3 ? 1 / 6.0 : 0),
                Arguments.of("hard-swish", op(new ActivationOp(ActivationOp.Kind.HARD_SWISH)),
                        (DoubleUnaryOperator) x -> x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6),
                Arguments.of("silu", op(new ActivationOp(ActivationOp.Kind.SILU)), (DoubleUnaryOperator) x -> {
                    double s = 1 / (1 + Math.exp(-x));
                    return s * (1 + x * (1 - s));
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void gradientsStayRightWhenTheJvmReusesFreedBuffers(String label, UnaryOperator<NDArray> f,
            DoubleUnaryOperator derivative) {
        Engine engine = Engines.get();
        for (int trial = 0; trial < TRIALS; trial++) {
            try (NDManager manager = engine.newBaseManager()) {
                NDArray x = Engines.create(manager, INPUTS, new Shape(INPUTS.length));
                x.setRequiresGradient(true);
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray y = f.apply(x);
                    reuseFreedDirectMemory();
                    gc.backward(y.sum());
                }
                float[] gradient = x.getGradient().toFloatArray();
                for (int i = 0; i < INPUTS.length; i++) {
                    assertThat((double) gradient[i]).as("%s: gradient at %s, trial %d", label, INPUTS[i], trial)
                            .isCloseTo(derivative.applyAsDouble(INPUTS[i]), Offset.offset(1e-5));
                }
            }
        }
    }

    private static UnaryOperator<NDArray> op(org.prune4j.graph.Op op) {
        return x -> op.forward(List.of(x), NodeParameters.NONE, true);
    }

    /** Collects freed direct buffers and hands their memory out again, filled with 1e30. */
    private static void reuseFreedDirectMemory() {
        System.gc();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putFloat(0, 1e30f).putFloat(4, 1e30f);
            junk.add(b);
        }
    }
}
