package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;

/**
 * CIFAR-style ResNet (He et al. 2016, section 4.2): a 16-channel stem, three stages of
 * (depth-2)/6 basic blocks with 16, 32, 64 channels, a 1×1 conv + BN projection where the
 * shape changes, global average pooling and a linear classifier. Depth 20 has 0.27 M parameters.
 */
final class CifarResNet implements ZooArchitecture {

    private final int depth;

    CifarResNet(int depth) {
        if ((depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2, got " + depth);
        }
        this.depth = depth;
    }

    @Override
    public String name() {
        return "resnet" + depth;
    }

    @Override
    public String description() {
        return "ResNet-" + depth + " (CIFAR style, basic blocks, projection shortcuts)";
    }

    @Override
    public Graph build(ZooOptions o) {
        int blocks = (depth - 2) / 6;
        Graph.Builder b = Graph.builder().setInput("input", o.inputShape());
        String x = Layers.convBnAct(b, "stem", "input", o.scale(16), 3, 1, 1, ActivationOp.Kind.RELU);
        int[] widths = {16, 32, 64};
        for (int stage = 0; stage < 3; stage++) {
            for (int i = 0; i < blocks; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                x = basicBlock(b, "layer" + (stage + 1) + "." + i, x, o.scale(widths[stage]), stride);
            }
        }
        return b.add("gap", new GlobalAvgPoolOp(), x)
                .add("fc", new LinearOp(o.numClasses()))
                .build();
    }

    private static String basicBlock(Graph.Builder b, String prefix, String input, int out, int stride) {
        String h = Layers.convBnAct(b, prefix + ".branch1", input, out, 3, stride, 1, ActivationOp.Kind.RELU);
        h = Layers.convBnAct(b, prefix + ".branch2", h, out, 3, 1, 1, null);
        String shortcut = input;
        if (stride != 1 || Layers.channels(b, input) != out) {
            shortcut = Layers.convBnAct(b, prefix + ".shortcut", input, out, 1, stride, 1, null);
        }
        b.add(prefix + ".add", new AddOp(), h, shortcut);
        return b.add(prefix + ".relu", ActivationOp.relu()).last();
    }
}
