package org.prune4j.experiment;

import java.nio.file.Path;

/** An invalid experiment file: names the file, the key and what was expected. */
public final class SpecException extends IllegalArgumentException {

    public SpecException(Path file, String key, String problem) {
        super(file + ": " + (key.isEmpty() ? "" : "'" + key + "': ") + problem);
    }
}
