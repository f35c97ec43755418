package org.prune4j.data;

/**
 * A data file is missing, unreadable or not in the expected format.
 *
 * <p>Unchecked because callers can rarely recover; the message always names the file and what is
 * wrong so the user can fix the input. (Not to be confused with {@code java.util.zip.DataFormatException}.)
 */
public class DataFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
