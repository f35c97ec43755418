package org.prune4j.train.optim;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Keeps per-parameter state arrays by full name; subclasses write the update rule. */
abstract class StatefulOptimizer implements Optimizer {

    private final Map<String, Map<String, NDArray>> states = new HashMap<>();

    /** The state map of one parameter, created empty on first use. */
    protected Map<String, NDArray> stateFor(String fullName) {
        return states.computeIfAbsent(fullName, k -> new LinkedHashMap<>());
    }

    @Override
    public Map<String, NDArray> state(String parameterFullName) {
        return Collections.unmodifiableMap(states.getOrDefault(parameterFullName, Map.of()));
    }

    @Override
    public void setState(String parameterFullName, Map<String, NDArray> state) {
        Map<String, NDArray> old = states.put(parameterFullName, new LinkedHashMap<>(state));
        if (old != null) {
            old.forEach((k, v) -> {
                if (v != state.get(k)) {
                    v.close();
                }
            });
        }
    }

    @Override
    public void close() {
        states.values().forEach(m -> m.values().forEach(NDArray::close));
        states.clear();
    }
}
