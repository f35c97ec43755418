// Writes the frozen version-1 format fixtures (issue 10): a small checkpoint that uses every op
// type of the checkpoint format, with a train -> prune provenance chain, the same model exported
// to ONNX (provenance in its metadata), one input and the outputs prune4j computed for it.
// Run once with the build that defines version 1; later builds must keep loading these files.
//   java -cp "prune4j-cli/target/lib/*" tools/MakeFormatFixtures.java CORE_DIR ONNX_DIR
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;
import org.prune4j.onnx.OnnxExporter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

public class MakeFormatFixtures {
    public static void main(String[] args) throws Exception {
        Path coreDir = Path.of(args[0]);
        Path onnxDir = Path.of(args[1]);
        Files.createDirectories(coreDir);
        Files.createDirectories(onnxDir);
        Graph g = Graph.builder().setInput("input", new Shape(2, 8, 8))
                .add("stem", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).optBias(false).build())
                .add("bn", new BatchNormOp())
                .add("relu", ActivationOp.relu())
                .add("branch", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).build(), "relu")
                .add("hs", new ActivationOp(ActivationOp.Kind.HARD_SWISH), "branch")
                .add("sum", new AddOp(), "hs", "relu")
                .add("dw", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).optGroups(8).build(), "sum")
                .add("relu6", new ActivationOp(ActivationOp.Kind.RELU6), "dw")
                .add("gap", new GlobalAvgPoolOp(true), "relu6")
                .add("gate", new ActivationOp(ActivationOp.Kind.HARD_SIGMOID), "gap")
                .add("scaled", new MulOp(), "relu6", "gate")
                .add("cat", new ConcatOp(), "scaled", "sum")
                .add("shuffle", new ChannelShuffleOp(2), "cat")
                .add("affine", new ChannelAffineOp(), "shuffle")
                .add("silu", new ActivationOp(ActivationOp.Kind.SILU), "affine")
                .add("shift", new ScaleShiftOp(0.5, -0.25), "silu")
                .add("pool", Pool2dOp.max(2, 2), "shift")
                .add("avg", Pool2dOp.avg(2, 2), "pool")
                .add("sig", new ActivationOp(ActivationOp.Kind.SIGMOID), "avg")
                .add("flat", new FlattenOp(), "sig")
                .add("drop", new DropoutOp(0.1), "flat")
                .add("same", new IdentityOp(), "drop")
                .add("fc", new LinearOp(5), "same")
                .add("probs", new SoftmaxOp(), "fc")
                .build();
        Random r = new Random(7);
        float[] input = new float[3 * 2 * 8 * 8];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        try (Model model = Model.builder().setGraph(g).optSeed(3).optChannelsLast(false).build()) {
            // non-trivial batch-norm buffers and channel-affine values
            model.parameter("bn", "runningMean").value().addi(0.1f);
            model.parameter("bn", "runningVar").value().muli(1.5f);
            model.parameter("affine", "scale").value().muli(0.8f);
            Provenance train = Provenance.of("train", Map.of("model", "format-fixture", "data", "synthetic", "seed", 3), null);
            model.setProvenance(Provenance.of("prune", Map.of("method", "l1", "target", "ratio=0.25"), train));
            Checkpoint.save(model, coreDir.resolve("v1-all-ops.p4j"));
            OnnxExporter.export(model, onnxDir.resolve("v1-all-ops.onnx"));
            try (NDManager m = Engines.get().newBaseManager()) {
                NDArray x = Engines.create(m, input, new Shape(3, 2, 8, 8));
                float[] out = model.forward(x, false).toFloatArray();
                for (Path dir : new Path[] {coreDir, onnxDir}) {
                    write(dir.resolve("v1-all-ops.input.bin"), input);
                    write(dir.resolve("v1-all-ops.output.bin"), out);
                }
            }
        }
        System.out.println("fixtures written to " + coreDir + " and " + onnxDir);
    }

    private static void write(Path file, float[] values) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Files.write(file, b.array());
    }
}
