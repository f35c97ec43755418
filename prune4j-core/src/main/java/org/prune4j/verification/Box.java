package org.prune4j.verification;

import ai.djl.ndarray.NDArray;

/** Element-wise lower and upper bounds of a batch of values; both arrays have the same shape. */
public record Box(NDArray lower, NDArray upper) implements AutoCloseable {

    @Override
    public void close() {
        lower.close();
        if (upper != lower) {
            upper.close();
        }
    }
}
