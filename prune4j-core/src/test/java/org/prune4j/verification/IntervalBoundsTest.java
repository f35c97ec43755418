package org.prune4j.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class IntervalBoundsTest {

    private static final int POINTS = 10_000;

    /** Conv, batch norm with negative scales, ReLU, a residual add, a gate, pooling, linear, ReLU6. */
    private static Graph everySupportedKind() {
        return Graph.builder().setInput("x", new Shape(1, 8, 8))
                .add("conv1", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build(), "x")
                .add("bn1", new BatchNormOp(), "conv1").add("relu1", ActivationOp.relu(), "bn1")
                .add("conv2", Conv2dOp.builder().setOutChannels(4).setKernel(3).optPadding(1).build(), "relu1")
                .add("affine", new ChannelAffineOp(), "conv2").add("add", new AddOp(), "affine", "relu1")
                .add("gate", new ActivationOp(ActivationOp.Kind.SIGMOID), "conv2").add("mul", new MulOp(), "add", "gate")
                .add("scale", new ScaleShiftOp(-0.5, 0.1), "mul")
                .add("pool", Pool2dOp.max(2, 2), "scale").add("avg", Pool2dOp.avg(2, 2), "pool")
                .add("flat", new FlattenOp(), "avg").add("fc1", new LinearOp(6), "flat")
                .add("relu6", new ActivationOp(ActivationOp.Kind.RELU6), "fc1").add("fc2", new LinearOp(3), "relu6")
                .setOutput("fc2").build();
    }

    @Test
    void theBoundsOfEveryNodeContainItsOutputsAtTenThousandRandomPointsOfTheBall() {
        try (Model model = Model.builder().setGraph(everySupportedKind()).optSeed(3).build()) {
            randomizeNormalizationLayers(model, new Random(5));
            assertBoundsContainSampledOutputs(model, 0.1f);
        }
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", new ZooOptions(1, 8, 3, 0.25)))
                .optSeed(4).build()) {
            randomizeNormalizationLayers(model, new Random(6));
            assertBoundsContainSampledOutputs(model, 0.02f);
        }
    }

    @Test
    void aBallOfRadiusZeroGivesTheOutputItself() {
        try (Model model = Model.builder().setGraph(everySupportedKind()).optSeed(3).build();
                NDManager m = model.manager().newSubManager()) {
            randomizeNormalizationLayers(model, new Random(5));
            NDArray x = m.randomUniform(0, 1, new Shape(2, 1, 8, 8));
            Box out = IntervalBounds.propagate(model, new Box(x, x), (n, b) -> {});
            float[] y = model.forward(x, false).toFloatArray();
            float[] lo = out.lower().toFloatArray();
            float[] hi = out.upper().toFloatArray();
            for (int i = 0; i < y.length; i++) {
                assertThat(lo[i]).isCloseTo(y[i], org.assertj.core.data.Offset.offset(1e-5f));
                assertThat(hi[i]).isCloseTo(y[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void anOpWithoutBoundsIsRefusedNamingTheNode() {
        Graph g = Graph.builder().setInput("x", new Shape(4)).add("fc", new LinearOp(4), "x")
                .add("swish", new ActivationOp(ActivationOp.Kind.SILU), "fc").setOutput("swish").build();
        assertThatThrownBy(() -> IntervalBounds.checkSupported(g)).hasMessageContaining("node 'swish'")
                .hasMessageContaining("relu");
    }

    /** Samples the ball around one image, runs them all, and checks every node against its box. */
    private static void assertBoundsContainSampledOutputs(Model model, float epsilon) {
        try (NDManager m = model.manager().newSubManager()) {
            Random rng = new Random(11);
            int size = (int) model.graph().inputShape().size();
            float[] centre = new float[size];
            for (int i = 0; i < size; i++) {
                centre[i] = rng.nextFloat();
            }
            float[] lower = new float[size];
            float[] upper = new float[size];
            float[] points = new float[POINTS * size];
            for (int i = 0; i < size; i++) {
                lower[i] = Math.max(0, centre[i] - epsilon);
                upper[i] = Math.min(1, centre[i] + epsilon);
                for (int p = 0; p < POINTS; p++) {
                    // corners half of the time: where ReLU-free affine maps reach their extremes
                    float u = p % 2 == 0 ? (rng.nextBoolean() ? 0 : 1) : rng.nextFloat();
                    points[p * size + i] = lower[i] + u * (upper[i] - lower[i]);
                }
            }
            Shape one = new Shape(1).addAll(model.graph().inputShape());
            Map<String, float[][]> boxes = new HashMap<>();
            IntervalBounds.propagate(model, new Box(m.create(lower, one), m.create(upper, one)),
                    (node, box) -> boxes.put(node, new float[][] {box.lower().toFloatArray(), box.upper().toFloatArray()}));
            Map<String, float[][]> ranges = new HashMap<>();
            model.forward(m.create(points, new Shape(POINTS).addAll(model.graph().inputShape())), false, Map.of(),
                    (node, out) -> {
                        float[] v = out.toFloatArray();
                        int per = v.length / POINTS;
                        float[] min = new float[per];
                        float[] max = new float[per];
                        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
                        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
                        for (int p = 0; p < POINTS; p++) {
                            for (int j = 0; j < per; j++) {
                                min[j] = Math.min(min[j], v[p * per + j]);
                                max[j] = Math.max(max[j], v[p * per + j]);
                            }
                        }
                        ranges.put(node, new float[][] {min, max});
                    });
            assertThat(boxes.keySet()).containsAll(ranges.keySet());
            for (Map.Entry<String, float[][]> e : ranges.entrySet()) {
                float[][] box = boxes.get(e.getKey());
                float[][] seen = e.getValue();
                for (int j = 0; j < seen[0].length; j++) {
                    float tolerance = 1e-5f * (1 + Math.abs(seen[0][j]) + Math.abs(seen[1][j]));
                    assertThat(seen[0][j]).as("%s[%d] lowest output vs lower bound", e.getKey(), j)
                            .isGreaterThanOrEqualTo(box[0][j] - tolerance);
                    assertThat(seen[1][j]).as("%s[%d] highest output vs upper bound", e.getKey(), j)
                            .isLessThanOrEqualTo(box[1][j] + tolerance);
                }
            }
        }
    }

    /** Batch norm and channel affine layers with negative scales and non-trivial statistics. */
    private static void randomizeNormalizationLayers(Model model, Random rng) {
        for (Parameter p : model.parameters()) {
            String node = p.node();
            boolean normalization = model.graph().node(node).op() instanceof BatchNormOp
                    || model.graph().node(node).op() instanceof ChannelAffineOp;
            if (!normalization) {
                continue;
            }
            float[] v = new float[(int) p.value().getShape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (p.name()) {
                    case "runningVar" -> 0.5f + rng.nextFloat();
                    case "weight", "scale" -> (float) rng.nextGaussian();
                    default -> (float) (0.3 * rng.nextGaussian());
                };
            }
            p.setValue(model.manager().create(v, p.value().getShape()));
        }
    }
}
