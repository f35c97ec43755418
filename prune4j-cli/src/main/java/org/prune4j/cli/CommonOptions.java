package org.prune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Option;

import java.util.Map;

/** Options every command shares: JSON output and engine threads. */
final class CommonOptions {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--json", description = "Print the result as one JSON object on standard output.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads of the engine (default: the engine's choice, all cores).")
    Integer threads;

    /** Must run before the engine starts. */
    void applyEngineSettings() {
        if (threads != null) {
            if (threads <= 0) {
                throw new IllegalArgumentException("--threads must be positive, got " + threads);
            }
            System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }

    /** One line of JSON (no indentation), so scripts can read the last line of output. */
    static String toJson(Map<String, Object> result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write result as JSON", e);
        }
    }
}
