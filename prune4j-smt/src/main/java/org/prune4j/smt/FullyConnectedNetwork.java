package org.prune4j.smt;

import ai.djl.ndarray.types.DataType;

import org.prune4j.graph.Node;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's weights as a chain of linear layers with ReLUs between them, in double precision,
 * for the solver: what Fairify verifies. Anything but flatten, linear, ReLU, dropout and identity
 * is refused naming the node.
 *
 * @param layers the linear layers in order; every one but the last is followed by a ReLU
 */
record FullyConnectedNetwork(List<Layer> layers, List<String> names) {

    /** y = W x + b, W as (out, in). */
    record Layer(double[][] weight, double[] bias) {
        int outputs() {
            return weight.length;
        }

        int inputs() {
            return weight[0].length;
        }
    }

    static FullyConnectedNetwork of(Model model) {
        List<Layer> layers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean reluPending = false;
        for (Node node : model.graph().nodes()) {
            if (node.op() instanceof LinearOp) {
                if (!layers.isEmpty() && !reluPending) {
                    throw unsupported(node, "two linear layers without a ReLU between them");
                }
                layers.add(layer(model, node.name()));
                names.add(node.name());
                reluPending = false;
            } else if (node.op() instanceof ActivationOp a && a.kind() == ActivationOp.Kind.RELU) {
                if (layers.isEmpty() || reluPending) {
                    throw unsupported(node, "a ReLU must follow a linear layer");
                }
                reluPending = true;
            } else if (!(node.op() instanceof FlattenOp || node.op() instanceof DropoutOp
                    || node.op() instanceof IdentityOp)) {
                throw unsupported(node, "only flatten, linear, relu, dropout and identity are supported");
            }
        }
        if (layers.isEmpty() || reluPending || !model.graph().outputName().equals(names.get(names.size() - 1))) {
            throw new IllegalArgumentException("Fairify verifies chains of linear layers and ReLUs that end in a "
                    + "linear layer; this model's output is " + model.graph().outputName());
        }
        return new FullyConnectedNetwork(List.copyOf(layers), List.copyOf(names));
    }

    private static IllegalArgumentException unsupported(Node node, String why) {
        return new IllegalArgumentException("Fairify cannot encode node '" + node.name() + "' (" + node.op() + "): "
                + why);
    }

    private static Layer layer(Model model, String node) {
        float[] w = model.parameter(node, "weight").value().toType(DataType.FLOAT32, false).toFloatArray();
        long[] shape = model.parameter(node, "weight").value().getShape().getShape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        double[][] weight = new double[out][in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                weight[o][i] = w[o * in + i];
            }
        }
        double[] bias = new double[out];
        if (model.parametersOf(node).containsKey("bias")) {
            float[] b = model.parameter(node, "bias").value().toType(DataType.FLOAT32, false).toFloatArray();
            for (int o = 0; o < out; o++) {
                bias[o] = b[o];
            }
        }
        return new Layer(weight, bias);
    }

    int inputs() {
        return layers.get(0).inputs();
    }

    int outputs() {
        return layers.get(layers.size() - 1).outputs();
    }

    /** Hidden ReLU units, over all layers. */
    int hiddenUnits() {
        int n = 0;
        for (int l = 0; l < layers.size() - 1; l++) {
            n += layers.get(l).outputs();
        }
        return n;
    }
}
