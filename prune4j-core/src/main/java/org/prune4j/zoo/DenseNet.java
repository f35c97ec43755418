package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.Pool2dOp;

/**
 * A small DenseNet-BC (Huang et al. 2017): three dense blocks of pre-activation bottleneck
 * layers (BN-ReLU-1×1 conv to 4k, BN-ReLU-3×3 conv to k) whose outputs are concatenated onto
 * their input, transitions with compression 0.5 and 2×2 average pooling. Growth rate k = 12,
 * 6 layers per block (DenseNet-BC-40).
 */
final class DenseNet implements ZooArchitecture {

    private static final int GROWTH = 12;
    private static final int LAYERS_PER_BLOCK = 6;

    @Override
    public String name() {
        return "densenet";
    }

    @Override
    public String description() {
        return "DenseNet-BC-40 (growth 12, concat-based)";
    }

    @Override
    public Graph build(ZooOptions o) {
        int growth = o.scale(GROWTH);
        Graph.Builder b = Graph.builder().setInput("input", o.inputShape());
        String x = b.add("stem.conv", conv(2 * growth, 3)).last();
        for (int block = 1; block <= 3; block++) {
            for (int layer = 0; layer < LAYERS_PER_BLOCK; layer++) {
                String p = "block" + block + ".layer" + layer;
                b.add(p + ".bn1", new BatchNormOp(), x);
                b.add(p + ".relu1", ActivationOp.relu());
                b.add(p + ".conv1", conv(4 * growth, 1));
                b.add(p + ".bn2", new BatchNormOp());
                b.add(p + ".relu2", ActivationOp.relu());
                String fresh = b.add(p + ".conv2", conv(growth, 3)).last();
                x = b.add(p + ".concat", new ConcatOp(), x, fresh).last();
            }
            if (block < 3) {
                String p = "transition" + block;
                int out = (int) Layers.channels(b, x) / 2;
                b.add(p + ".bn", new BatchNormOp(), x);
                b.add(p + ".relu", ActivationOp.relu());
                b.add(p + ".conv", conv(out, 1));
                x = b.add(p + ".pool", Pool2dOp.avg(2, 2)).last();
            }
        }
        return b.add("final.bn", new BatchNormOp(), x)
                .add("final.relu", ActivationOp.relu())
                .add("gap", new GlobalAvgPoolOp())
                .add("classifier", new LinearOp(o.numClasses()))
                .build();
    }

    private static Conv2dOp conv(int out, int kernel) {
        return Conv2dOp.builder().setOutChannels(out).setKernel(kernel).optPadding(kernel / 2).optBias(false).build();
    }
}
