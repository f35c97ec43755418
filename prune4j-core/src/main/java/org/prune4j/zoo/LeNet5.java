package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.Pool2dOp;

/**
 * LeNet-5 with ReLU and max pooling: conv 6@5×5 → pool → conv 16@5×5 → pool → 120 → 84 →
 * classes. Images smaller than 32 pixels get padding 2 in the first conv (28 → 28), as usual
 * for MNIST.
 */
final class LeNet5 implements ZooArchitecture {

    @Override
    public String name() {
        return "lenet5";
    }

    @Override
    public String description() {
        return "LeNet-5 (conv 6-16, fc 120-84)";
    }

    @Override
    public Graph build(ZooOptions o) {
        int pad = o.imageSize() < 32 ? 2 : 0;
        return Graph.builder().setInput("input", o.inputShape())
                .add("conv1", Conv2dOp.builder().setOutChannels(o.scale(6)).setKernel(5).optPadding(pad).build())
                .add("relu1", ActivationOp.relu())
                .add("pool1", Pool2dOp.max(2, 2))
                .add("conv2", Conv2dOp.builder().setOutChannels(o.scale(16)).setKernel(5).build())
                .add("relu2", ActivationOp.relu())
                .add("pool2", Pool2dOp.max(2, 2))
                .add("flatten", new FlattenOp())
                .add("fc1", new LinearOp(o.scale(120)))
                .add("relu3", ActivationOp.relu())
                .add("fc2", new LinearOp(o.scale(84)))
                .add("relu4", ActivationOp.relu())
                .add("fc3", new LinearOp(o.numClasses()))
                .build();
    }
}
