package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.Pool2dOp;

/**
 * VGG with batch norm in its CIFAR form (Simonyan &amp; Zisserman; as in network slimming):
 * 3×3 conv-BN-ReLU stages, max pooling between stages while the image is at least 2 pixels,
 * global average pooling and one linear classifier.
 */
final class Vgg implements ZooArchitecture {

    private static final int POOL = -1;
    private static final int[] VGG11 = {64, POOL, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL};
    private static final int[] VGG16 = {64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL,
        512, 512, 512, POOL, 512, 512, 512, POOL};

    private final int depth;

    Vgg(int depth) {
        this.depth = depth;
    }

    @Override
    public String name() {
        return "vgg" + depth;
    }

    @Override
    public String description() {
        return "VGG-" + depth + " with batch norm (CIFAR style)";
    }

    @Override
    public Graph build(ZooOptions o) {
        Graph.Builder b = Graph.builder().setInput("input", o.inputShape());
        String x = "input";
        int conv = 0;
        int pool = 0;
        for (int c : depth == 11 ? VGG11 : VGG16) {
            if (c == POOL) {
                if (b.shapeOf(x).get(1) >= 2) {
                    x = b.add("pool" + (++pool), Pool2dOp.max(2, 2), x).last();
                }
            } else {
                x = Layers.convBnAct(b, "features." + (conv++), x, o.scale(c), 3, 1, 1, ActivationOp.Kind.RELU);
            }
        }
        return b.add("gap", new GlobalAvgPoolOp(), x)
                .add("classifier", new LinearOp(o.numClasses()))
                .build();
    }
}
