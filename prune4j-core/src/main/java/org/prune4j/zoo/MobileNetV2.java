package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;

/**
 * A small MobileNetV2 (Sandler et al. 2018) for 28–32 pixel images: inverted residual blocks
 * (1×1 expand, 3×3 depthwise, 1×1 linear projection) with residual adds where shapes allow,
 * fewer repeats than the ImageNet model, stride 1 in the stem, and a 640-channel head.
 */
final class MobileNetV2 implements ZooArchitecture {

    /** expansion t, channels c, repeats n, first stride s. */
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 1}, {6, 32, 2, 2}, {6, 64, 2, 2}, {6, 96, 1, 1}, {6, 160, 2, 2}, {6, 320, 1, 1}
    };

    @Override
    public String name() {
        return "mobilenetv2";
    }

    @Override
    public String description() {
        return "MobileNetV2, small (depthwise convs, inverted residuals)";
    }

    @Override
    public Graph build(ZooOptions o) {
        Graph.Builder b = Graph.builder().setInput("input", o.inputShape());
        String x = Layers.convBnAct(b, "stem", "input", o.scaleDivisible(32, 8), 3, 1, 1, ActivationOp.Kind.RELU6);
        int block = 0;
        for (int[] s : SETTINGS) {
            int out = o.scaleDivisible(s[1], 8);
            for (int i = 0; i < s[2]; i++) {
                x = invertedResidual(b, "blocks." + (block++), x, out, i == 0 ? s[3] : 1, s[0]);
            }
        }
        x = Layers.convBnAct(b, "head", x, o.scaleDivisible(640, 8), 1, 1, 1, ActivationOp.Kind.RELU6);
        return b.add("gap", new GlobalAvgPoolOp(), x)
                .add("dropout", new DropoutOp(0.2))
                .add("classifier", new LinearOp(o.numClasses()))
                .build();
    }

    private static String invertedResidual(Graph.Builder b, String prefix, String input, int out,
            int stride, int expansion) {
        int in = (int) Layers.channels(b, input);
        int hidden = in * expansion;
        String h = input;
        if (expansion != 1) {
            h = Layers.convBnAct(b, prefix + ".expand", h, hidden, 1, 1, 1, ActivationOp.Kind.RELU6);
        }
        h = Layers.convBnAct(b, prefix + ".depthwise", h, hidden, 3, stride, hidden, ActivationOp.Kind.RELU6);
        h = Layers.convBnAct(b, prefix + ".project", h, out, 1, 1, 1, null);
        if (stride == 1 && in == out) {
            return b.add(prefix + ".add", new AddOp(), h, input).last();
        }
        return h;
    }
}
