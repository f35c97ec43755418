package org.prune4j.data;

/** A well-known data set is not installed; the message says how to install it. */
public class DatasetNotFoundException extends DataFormatException {

    private static final long serialVersionUID = 1L;

    public DatasetNotFoundException(String message) {
        super(message);
    }
}
