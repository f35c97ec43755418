package org.prune4j.zoo;

import org.prune4j.graph.Graph;

/** One architecture of the model zoo, built for given input and class counts. */
public interface ZooArchitecture {

    /** The name used by configs and the CLI, e.g. {@code resnet20}. */
    String name();

    String description();

    Graph build(ZooOptions options);
}
