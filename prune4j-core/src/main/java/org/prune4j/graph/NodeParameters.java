package org.prune4j.graph;

import ai.djl.ndarray.NDArray;

/** The parameters of one node, looked up by the names its op declared. */
@FunctionalInterface
public interface NodeParameters {

    /** The array for {@code name}, or {@code null} if the op declared none under that name. */
    NDArray get(String name);

    NodeParameters NONE = name -> null;
}
