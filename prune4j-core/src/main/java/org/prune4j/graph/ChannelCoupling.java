package org.prune4j.graph;

/**
 * What an op's rule declares while the dependency graph is built. A "space" is a node's output
 * (or the graph input) along its channel axis: channels for images, features for vectors.
 */
public interface ChannelCoupling {

    /** Channel {@code a} of {@code spaceA} and channel {@code b} of {@code spaceB} are one channel. */
    void couple(String spaceA, int a, String spaceB, int b);

    /** The space's channels are created here (a conv's or linear layer's outputs): removable. */
    void markCreated(String space);

    /** The space's channels must never be removed (e.g. the channels around a channel shuffle). */
    void markFixed(String space, String reason);
}
