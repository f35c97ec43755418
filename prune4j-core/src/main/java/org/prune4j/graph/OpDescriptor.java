package org.prune4j.graph;

import java.util.function.Function;

/**
 * Everything prune4j needs to know about one op type, in one place: its type name (as
 * checkpoints store it), its class, how to rebuild it from its attributes, and its channel rule
 * (how structured pruning passes channels through it and shrinks it). Each op class declares
 * its {@code DESCRIPTOR}; {@link OpRegistry#register} makes a new one known everywhere.
 */
public record OpDescriptor(String type, Class<? extends Op> opClass,
        Function<OpRegistry.Attributes, ? extends Op> fromAttributes, ChannelRule channelRule) {

    public OpDescriptor {
        if (type == null || opClass == null || fromAttributes == null || channelRule == null) {
            throw new IllegalArgumentException("an op descriptor needs a type, a class, a factory and a channel rule");
        }
    }
}
