package org.prune4j.graph;

/** An invalid graph: a duplicate or unknown node, a cycle, or shapes that do not fit. */
public class GraphException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public GraphException(String message) {
        super(message);
    }

    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
