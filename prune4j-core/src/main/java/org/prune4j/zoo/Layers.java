package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;

/** Building blocks shared by the zoo architectures; each returns the name of its last node. */
final class Layers {

    private Layers() {}

    /** conv (no bias) → batch norm → activation (skipped when {@code act} is null). */
    static String convBnAct(Graph.Builder b, String prefix, String input, int out, int kernel,
            int stride, int groups, ActivationOp.Kind act) {
        b.add(prefix + ".conv", Conv2dOp.builder().setOutChannels(out).setKernel(kernel)
                .optStride(stride).optPadding(kernel / 2).optGroups(groups).optBias(false).build(), input);
        b.add(prefix + ".bn", new BatchNormOp());
        if (act != null) {
            b.add(prefix + ".act", new ActivationOp(act));
        }
        return b.last();
    }

    static long channels(Graph.Builder b, String node) {
        return b.shapeOf(node).get(0);
    }
}
