package org.prune4j.graph.ops;

import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRule;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.Op;
import org.prune4j.graph.ParamAxes;

import java.util.ArrayList;
import java.util.List;

/** Dense convolutions create channels; depthwise ones pass them through; other groupings stay fixed. */
final class ConvChannelRule implements ChannelRule {

    @Override
    public void couple(Node node, Graph graph, ChannelCoupling c) {
        Conv2dOp conv = (Conv2dOp) node.op();
        String in = node.inputs().get(0);
        long inChannels = graph.shapeOf(in).get(0);
        if (conv.groups() == 1) {
            c.markCreated(node.name());
        } else if (isDepthwise(conv, inChannels)) {
            ChannelRules.PASS_THROUGH.couple(node, graph, c);
        } else {
            c.markFixed(node.name(), "grouped conv with groups=" + conv.groups());
            c.markFixed(in, "input of grouped conv '" + node.name() + "'");
        }
    }

    @Override
    public List<ParamAxes> parameterAxes(Op op) {
        Conv2dOp conv = (Conv2dOp) op;
        List<ParamAxes> axes = new ArrayList<>();
        axes.add(ParamAxes.output("weight", 0));
        if (conv.groups() == 1) {
            axes.add(ParamAxes.input("weight", 1));
        }
        if (conv.hasBias()) {
            axes.add(ParamAxes.output("bias", 0));
        }
        return axes;
    }

    @Override
    public Op resize(Op op, List<Shape> newInputs, long newOutputChannels) {
        Conv2dOp conv = (Conv2dOp) op;
        Conv2dOp.Builder b = conv.toBuilder().setOutChannels((int) newOutputChannels);
        if (conv.groups() > 1) {
            b.optGroups((int) newOutputChannels); // depthwise stays depthwise
        }
        return b.build();
    }

    private static boolean isDepthwise(Conv2dOp conv, long inChannels) {
        return conv.groups() == inChannels && conv.outChannels() == inChannels;
    }
}
