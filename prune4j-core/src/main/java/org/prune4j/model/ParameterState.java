package org.prune4j.model;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * Arrays kept per parameter outside the model, such as an optimizer's momentum, addressable by
 * the parameter's full name ({@code node.name}) so that channel removal can slice them together
 * with the weight.
 */
public interface ParameterState {

    /** The state arrays kept for {@code parameterFullName} (empty when there are none). */
    Map<String, NDArray> state(String parameterFullName);

    /** Replaces a parameter's state, e.g. with pruned slices; the old arrays are closed. */
    void setState(String parameterFullName, Map<String, NDArray> state);
}
