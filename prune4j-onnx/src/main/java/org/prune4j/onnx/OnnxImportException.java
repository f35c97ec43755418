package org.prune4j.onnx;

/**
 * An ONNX file prune4j cannot import: malformed, truncated, using an unsupported op or pattern,
 * missing an initializer, or with a shape that cannot be resolved. The message names the file,
 * the node and what was expected. Every import failure is of this type. It is not an
 * {@code IllegalArgumentException}: the command line exits with 1 for a file it cannot import and
 * keeps 2 for bad arguments.
 */
public final class OnnxImportException extends RuntimeException {

    public OnnxImportException(String message) {
        super(message);
    }

    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
