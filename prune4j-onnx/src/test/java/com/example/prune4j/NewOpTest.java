package com.example.prune4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.engine.Engines;
import org.prune4j.engine.Scalars;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.Graph;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.onnx.OnnxExporter;
import org.prune4j.onnx.OnnxRuntimeRunner;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An op added from outside the library by one descriptor (and one ONNX exporter): checkpoints
 * store and rebuild it, structured pruning passes channels through it, and the exporter writes
 * it, with no edit to the registry, the channel rules or the exporter's dispatch.
 */
class NewOpTest {

    /** x * 2: elementwise, so channel c stays channel c. */
    static final class TimesTwoOp implements Op {
        static final String TYPE = "times-two";
        static final OpDescriptor DESCRIPTOR =
                new OpDescriptor(TYPE, TimesTwoOp.class, a -> new TimesTwoOp(), ChannelRules.PASS_THROUGH);

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Shape outputShape(List<Shape> inputs) {
            return inputs.get(0);
        }

        @Override
        public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
            return Scalars.times(inputs.get(0), 2);   // x.mul(2) would break gradients: see Scalars
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }
    }

    @BeforeAll
    static void register() {
        OpRegistry.register(TimesTwoOp.DESCRIPTOR);
        OnnxExporter.register(TimesTwoOp.TYPE, (node, graph, out) -> {
            out.addInitializer(OnnxExporter.tensor(node.name() + "/two", new float[] {2}, new Shape()));
            out.addNode(OnnxExporter.node("Mul", node.name(), List.of(node.inputs().get(0), node.name() + "/two"),
                    node.name()));
        });
    }

    @Test
    void aRegisteredOpIsSavedPrunedThroughAndExported(@TempDir Path dir) throws Exception {
        Graph g = Graph.builder().setInput("input", new Shape(1, 8, 8))
                .add("conv", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).build())
                .add("double", new TimesTwoOp())
                .add("relu", ActivationOp.relu())
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(3))
                .build();
        float[] input = new float[2 * 64];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(i);
        }
        try (Model model = Model.builder().setGraph(g).optSeed(1).build()) {
            Path file = dir.resolve("m.p4j");
            Checkpoint.save(model, file);
            try (Model loaded = Checkpoint.load(file)) {
                assertThat(loaded.graph().node("double").op()).isInstanceOf(TimesTwoOp.class);
            }

            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.5")).build()
                    .prune(model, null);
            assertThat(model.graph().shapeOf("double").get(0)).as("channels flow through the new op").isEqualTo(4);

            Path onnx = dir.resolve("m.onnx");
            OnnxExporter.export(model, onnx);
            float[] expected;
            try (NDManager m = Engines.get().newBaseManager()) {
                expected = model.forward(Engines.create(m, input, new Shape(2, 1, 8, 8)), false).toFloatArray();
            }
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(onnx, 1)) {
                float[] actual = ort.run(input, 2);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).isCloseTo(expected[i], within(1e-4f));
                }
            }
        }
    }
}
