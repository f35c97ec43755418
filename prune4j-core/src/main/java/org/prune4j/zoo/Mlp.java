package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;

/** LeNet-300-100 (LeCun et al. 1998): two hidden layers of 300 and 100 ReLU units. */
final class Mlp implements ZooArchitecture {

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String description() {
        return "LeNet-300-100 multilayer perceptron";
    }

    @Override
    public Graph build(ZooOptions o) {
        return Graph.builder().setInput("input", o.inputShape())
                .add("flatten", new FlattenOp())
                .add("fc1", new LinearOp(o.scale(300)))
                .add("relu1", ActivationOp.relu())
                .add("fc2", new LinearOp(o.scale(100)))
                .add("relu2", ActivationOp.relu())
                .add("fc3", new LinearOp(o.numClasses()))
                .build();
    }
}
