package org.prune4j.train.optim;


import org.prune4j.model.Parameter;
import org.prune4j.model.ParameterState;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients. The learning rate comes from a schedule at
 * every step. Per-parameter state (momentum, Adam moments) is addressable by the parameter's
 * full name so pruning can slice it together with the weight.
 */
public interface Optimizer extends ParameterState, AutoCloseable {

    /** The registry name, e.g. {@code sgd}. */
    String name();

    /** One update of every parameter that has a gradient. */
    void step(List<Parameter> parameters, double learningRate);

    /** The settings, for provenance. */
    Map<String, Object> settings();

    /** Frees all state. */
    @Override
    void close();
}
