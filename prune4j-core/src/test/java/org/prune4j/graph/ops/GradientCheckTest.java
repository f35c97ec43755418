package org.prune4j.graph.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Op;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import org.assertj.core.data.Offset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * For every op: autograd gradients of a random linear functional of the output, with respect
 * to the input and every trainable parameter, equal central finite differences in float64.
 */
@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class GradientCheckTest {

    private static final double STEP = 1e-6;
    private static final int PROBES_PER_TENSOR = 12;

    static Stream<Arguments> ops() {
        Shape image = new Shape(4, 6, 6);
        Shape features = new Shape(7);
        return Stream.of(
                Arguments.of("conv2d", image, List.of(Conv2dOp.builder().setOutChannels(5).setKernel(3).optPadding(1).build())),
                Arguments.of("conv2d stride 2 dilation 2 no bias", image, List.of(Conv2dOp.builder().setOutChannels(3)
                        .setKernel(3).optStride(2).optPadding(2).optDilation(2, 2).optBias(false).build())),
                Arguments.of("conv2d grouped", image, List.of(Conv2dOp.builder().setOutChannels(6).setKernel(3).optGroups(2).build())),
                Arguments.of("conv2d depthwise", image, List.of(Conv2dOp.builder().setOutChannels(4).setKernel(3).optGroups(4).build())),
                Arguments.of("batchnorm train (image)", image, List.of(new BatchNormOp())),
                Arguments.of("batchnorm train (features)", features, List.of(new BatchNormOp())),
                Arguments.of("linear", features, List.of(new LinearOp(5))),
                Arguments.of("relu", image, List.of(ActivationOp.relu())),
                Arguments.of("relu6", image, List.of(new ActivationOp(ActivationOp.Kind.RELU6))),
                Arguments.of("sigmoid", image, List.of(new ActivationOp(ActivationOp.Kind.SIGMOID))),
                Arguments.of("hard-swish", image, List.of(new ActivationOp(ActivationOp.Kind.HARD_SWISH))),
                Arguments.of("silu", image, List.of(new ActivationOp(ActivationOp.Kind.SILU))),
                Arguments.of("max pool", image, List.of(Pool2dOp.max(2, 2))),
                Arguments.of("avg pool padded", image, List.of(new Pool2dOp(Pool2dOp.Kind.AVG, 3, 2, 1))),
                Arguments.of("global avg pool", image, List.of(new GlobalAvgPoolOp())),
                Arguments.of("flatten", image, List.of(new FlattenOp())),
                Arguments.of("dropout (eval path)", image, List.of(new DropoutOp(0.0))),
                Arguments.of("identity", image, List.of(new IdentityOp())),
                Arguments.of("hard-sigmoid", image, List.of(new ActivationOp(ActivationOp.Kind.HARD_SIGMOID))),
                // the ops ONNX import adds; channel-affine is trainable (scale and shift per channel)
                Arguments.of("scale-shift", image, List.of(new ScaleShiftOp(0.5, -1.25))),
                Arguments.of("channel-affine (image)", image, List.of(new ChannelAffineOp())),
                Arguments.of("channel-affine (features)", features, List.of(new ChannelAffineOp())),
                Arguments.of("softmax", features, List.of(new SoftmaxOp())),
                Arguments.of("channel-shuffle", image, List.of(new ChannelShuffleOp(2))),
                Arguments.of("slice", image, List.of(new SliceOp(1, 3))),
                Arguments.of("strided-slice", image, List.of(new StridedSliceOp(StridedSliceOp.Axis.WIDTH, 1, 2))),
                Arguments.of("gelu", image, List.of(new ActivationOp(ActivationOp.Kind.GELU))),
                Arguments.of("layer-norm (image)", image, List.of(new LayerNormOp(1e-5f))),
                Arguments.of("layer-norm (features)", features, List.of(new LayerNormOp(1e-5f))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void autogradMatchesFiniteDifferences(String label, Shape inputShape, List<Op> ops) {
        Graph.Builder b = Graph.builder().setInput("x", inputShape);
        for (int i = 0; i < ops.size(); i++) {
            b.add("op" + i, ops.get(i));
        }
        checkGraph(b.build(), true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiInputGraphs")
    void autogradMatchesFiniteDifferencesForMultiInputOps(String label, Graph graph) {
        checkGraph(graph, true);
    }

    static Stream<Arguments> multiInputGraphs() {
        Shape image = new Shape(3, 4, 4);
        Conv2dOp conv = Conv2dOp.builder().setOutChannels(3).setKernel(1).build();
        return Stream.of(
                Arguments.of("add", Graph.builder().setInput("x", image)
                        .add("a", conv, "x").add("sum", new AddOp(), "a", "x").build()),
                Arguments.of("mul same shape", Graph.builder().setInput("x", image)
                        .add("a", conv, "x").add("prod", new MulOp(), "a", "x").build()),
                Arguments.of("mul channel gate (squeeze-excitation)", Graph.builder().setInput("x", image)
                        .add("pool", new GlobalAvgPoolOp(true), "x")
                        .add("gate", new ActivationOp(ActivationOp.Kind.SIGMOID))
                        .add("scaled", new MulOp(), "x", "gate").build()),
                // shifted by one in each direction: the roll, the windows and the mask are all on the path
                Arguments.of("window attention (shifted)", Graph.builder().setInput("x", new Shape(4, 4, 4))
                        .add("qkv", Conv2dOp.builder().setOutChannels(12).setKernel(1).build(), "x")
                        .add("q", new SliceOp(0, 4), "qkv").add("k", new SliceOp(4, 8), "qkv")
                        .add("v", new SliceOp(8, 12), "qkv")
                        .add("heads", new WindowAttentionOp(2, 0.7, 2, 1, 1), "q", "k", "v").build()),
                Arguments.of("concat", Graph.builder().setInput("x", image)
                        .add("a", conv, "x")
                        .add("b", Conv2dOp.builder().setOutChannels(2).setKernel(3).optPadding(1).build(), "x")
                        .add("cat", new ConcatOp(), "a", "b", "x").build()));
    }

    private static void checkGraph(Graph graph, boolean training) {
        Engines.get();
        try (Model model = Model.builder().setGraph(graph).optSeed(3).optDataType(DataType.FLOAT64).build();
                NDManager m = model.manager().newSubManager()) {
            Random rng = new Random(7);
            Shape batchShape = new Shape(2).addAll(graph.inputShape());
            NDArray x = randomArray(m, batchShape, rng);
            NDArray weights = randomArray(m, new Shape(2).addAll(graph.outputShape()), rng);

            x.setRequiresGradient(true);
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                gc.backward(objective(model, x, weights, training));
            }
            List<NDArray> tensors = new ArrayList<>();
            List<double[]> analytic = new ArrayList<>();
            tensors.add(x);
            analytic.add(x.getGradient().toDoubleArray());
            for (Parameter p : model.trainableParameters()) {
                tensors.add(p.value());
                analytic.add(p.value().getGradient().toDoubleArray());
            }
            for (int t = 0; t < tensors.size(); t++) {
                double[] values = tensors.get(t).toDoubleArray();
                for (int probe = 0; probe < Math.min(PROBES_PER_TENSOR, values.length); probe++) {
                    int i = rng.nextInt(values.length);
                    double original = values[i];
                    values[i] = original + STEP;
                    double plus = objectiveWith(model, m, t, values, x, weights, training);
                    values[i] = original - STEP;
                    double minus = objectiveWith(model, m, t, values, x, weights, training);
                    values[i] = original;
                    double numeric = (plus - minus) / (2 * STEP);
                    String what = t == 0 ? "input" : model.trainableParameters().get(t - 1).fullName();
                    assertThat(analytic.get(t)[i])
                            .as("d objective / d %s[%d] of %s (f+ %s, f- %s)", what, i, graph.nodes(), plus, minus)
                            .isCloseTo(numeric, Offset.offset(1e-6 + 1e-5 * Math.abs(numeric)));
                }
            }
        }
    }

    /** The objective with tensor {@code t} (0 the input, else the t-th trainable parameter) replaced. */
    private static double objectiveWith(Model model, NDManager m, int t, double[] values, NDArray x,
            NDArray weights, boolean training) {
        if (t == 0) {
            try (NDArray moved = Engines.create(m, values, x.getShape())) {
                return objective(model, moved, weights, training).getDouble();
            }
        }
        Parameter p = model.trainableParameters().get(t - 1);
        NDArray saved = p.value().duplicate();
        p.setValue(Engines.create(model.manager(), values, saved.getShape()));
        double result = objective(model, x, weights, training).getDouble();
        p.setValue(saved);
        return result;
    }

    private static NDArray objective(Model model, NDArray x, NDArray weights, boolean training) {
        NDArray out = model.forward(x, training);
        return out.mul(weights).sum();
    }

    private static NDArray randomArray(NDManager m, Shape shape, Random rng) {
        double[] v = new double[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Engines.create(m, v, shape);
    }
}
