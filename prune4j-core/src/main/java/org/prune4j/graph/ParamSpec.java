package org.prune4j.graph;

import ai.djl.ndarray.types.Shape;

/**
 * A parameter or buffer an op declares: its name within the node, shape, initializer, and
 * whether the optimizer trains it (false for buffers such as batch-norm running statistics).
 */
public record ParamSpec(String name, Shape shape, Init init, boolean trainable) {

    public static ParamSpec weight(String name, Shape shape, Init init) {
        return new ParamSpec(name, shape, init, true);
    }

    public static ParamSpec buffer(String name, Shape shape, Init init) {
        return new ParamSpec(name, shape, init, false);
    }

    /** Initializers, named after the PyTorch defaults they reproduce. */
    public enum Init {
        ZEROS,
        ONES,
        /** He normal with fan-out and ReLU gain, as torchvision initializes convolutions. */
        KAIMING_NORMAL_FAN_OUT,
        /** U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for linear layers and biases. */
        UNIFORM_FAN_IN,
        /** N(0, 0.02²), as torchvision initializes a vision transformer's position embedding. */
        EMBEDDING_NORMAL
    }
}
