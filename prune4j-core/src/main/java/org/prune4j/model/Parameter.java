package org.prune4j.model;

import ai.djl.ndarray.NDArray;

/**
 * One named array of a model: a trainable weight or a buffer (batch-norm statistics). Its value
 * may be replaced, e.g. by a slice when pruning; the old array is closed.
 */
public final class Parameter {

    private final String node;
    private final String name;
    private final boolean trainable;
    private NDArray value;

    Parameter(String node, String name, boolean trainable, NDArray value) {
        this.node = node;
        this.name = name;
        this.trainable = trainable;
        setValue(value);
    }

    /** The node owning this parameter. */
    public String node() {
        return node;
    }

    /** The parameter's name within its node, e.g. {@code weight}. */
    public String name() {
        return name;
    }

    /** {@code node.name}, unique within a model. */
    public String fullName() {
        return node + "." + name;
    }

    public boolean trainable() {
        return trainable;
    }

    public NDArray value() {
        return value;
    }

    /** Replaces the value (closing the old one unless it is the same array). */
    public void setValue(NDArray newValue) {
        if (value != null && value != newValue) {
            value.close();
        }
        value = newValue;
        // Must happen outside a GradientCollector: the engine attaches a fresh gradient slot.
        if (trainable) {
            value.setRequiresGradient(true);
        }
    }

    @Override
    public String toString() {
        return fullName() + value.getShape() + (trainable ? "" : " (buffer)");
    }
}
