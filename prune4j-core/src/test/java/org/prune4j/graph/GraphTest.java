package org.prune4j.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;

class GraphTest {

    private static Conv2dOp conv(int out, int k, int stride, int pad) {
        return Conv2dOp.builder().setOutChannels(out).setKernel(k).optStride(stride).optPadding(pad).build();
    }

    @Test
    void shapesAreInferredThroughConvPaddingStrideAndConcat() {
        Graph g = Graph.builder().setInput("x", new Shape(3, 32, 32))
                .add("a", conv(8, 3, 2, 1), "x")
                .add("b", conv(4, 1, 2, 0), "x")
                .add("cat", new ConcatOp(), "a", "b")
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10))
                .build();
        assertThat(g.shapeOf("a")).isEqualTo(new Shape(8, 16, 16));
        assertThat(g.shapeOf("cat")).isEqualTo(new Shape(12, 16, 16));
        assertThat(g.shapeOf("x")).isEqualTo(new Shape(3, 32, 32));
        assertThat(g.outputShape()).isEqualTo(new Shape(10));
        assertThat(g.consumersOf("x")).extracting(Node::name).containsExactly("a", "b");
    }

    @Test
    void addOfMismatchedShapesNamesTheNodeAndBothShapes() {
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(3, 8, 8))
                        .add("a", conv(4, 3, 1, 1), "x")
                        .add("sum", new AddOp(), "a", "x"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("'sum'").hasMessageContaining("(4, 8, 8)").hasMessageContaining("(3, 8, 8)");
    }

    @Test
    void linearOnAnImageAsksForAFlatten() {
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(3, 8, 8)).add("fc", new LinearOp(4)))
                .hasMessageContaining("'fc'").hasMessageContaining("flatten");
    }

    @Test
    void convThatDoesNotFitTheImageSaysWhy() {
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(1, 2, 2)).add("c", conv(4, 5, 1, 0)))
                .hasMessageContaining("'c'").hasMessageContaining("too small");
    }

    @Test
    void strideThatOvershootsASmallImageIsRefusedAsPyTorchDoes() {
        // (2 - 3) / 2 + 1 rounds to 1 in Java but floors to 0 in PyTorch: no valid output.
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(1, 2, 2)).add("c", conv(4, 3, 2, 0)))
                .hasMessageContaining("'c'").hasMessageContaining("too small");
    }

    @Test
    void groupsMustDivideChannels() {
        Conv2dOp grouped = Conv2dOp.builder().setOutChannels(4).setKernel(3).optGroups(3).build();
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(4, 8, 8)).add("g", grouped))
                .hasMessageContaining("groups=3");
    }

    @Test
    void channelGateMustMatchChannels() {
        assertThatThrownBy(() -> Graph.builder().setInput("x", new Shape(4, 8, 8))
                        .add("pool", new GlobalAvgPoolOp(true), "x")
                        .add("c", conv(2, 1, 1, 0))
                        .add("m", new MulOp(), "x", "c"))
                .hasMessageContaining("'m'").hasMessageContaining("channel gate");
    }

    @Test
    void unknownInputDuplicateNamesAndArityAreRejected() {
        Graph.Builder b = Graph.builder().setInput("x", new Shape(3, 8, 8)).add("f", new FlattenOp());
        assertThatThrownBy(() -> b.add("g", new FlattenOp(), "nope")).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> b.add("f", new FlattenOp())).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> b.add("s", new AddOp(), "f")).hasMessageContaining("two or more");
    }

    @Test
    void opsRoundTripThroughTheirAttributes() {
        Conv2dOp c = Conv2dOp.builder().setOutChannels(6).setKernel(3, 1).optStride(2, 1).optPadding(1, 0)
                .optDilation(1, 1).optGroups(3).optBias(false).build();
        Op back = OpRegistry.create(c.type(), c.attributes());
        assertThat(back.attributes()).isEqualTo(c.attributes());
        assertThatThrownBy(() -> OpRegistry.create("conv3d", java.util.Map.of()))
                .hasMessageContaining("conv3d").hasMessageContaining("conv2d");
    }
}
