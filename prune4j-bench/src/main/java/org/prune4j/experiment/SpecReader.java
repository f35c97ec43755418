package org.prune4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Typed, validated reads from a parsed spec tree; every error names the file and the key path. */
final class SpecReader {

    private final Path file;

    SpecReader(Path file) {
        this.file = file;
    }

    SpecException error(String key, String problem) {
        return new SpecException(file, key, problem);
    }

    void allowOnly(JsonNode node, String path, Set<String> allowed) {
        if (!node.isObject()) {
            throw error(path, "expected a mapping of keys, got " + describe(node));
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw error(join(path, name), "unknown key; allowed keys are " + allowed.stream().sorted().toList());
            }
        }
    }

    JsonNode required(JsonNode node, String path, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw error(join(path, key), "is required");
        }
        return v;
    }

    String string(JsonNode node, String path, String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw error(join(path, key), "is required (a string)");
            }
            return fallback;
        }
        if (!v.isTextual()) {
            throw error(join(path, key), "expected a string, got " + describe(v));
        }
        return v.asText();
    }

    int integer(JsonNode node, String path, String key, int fallback, int min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > Integer.MAX_VALUE) {
            throw error(join(path, key), "expected a whole number >= " + min + ", got " + describe(v));
        }
        return v.asInt();
    }

    Integer optionalInteger(JsonNode node, String path, String key, int min) {
        return node.has(key) && !node.get(key).isNull() ? integer(node, path, key, 0, min) : null;
    }

    double number(JsonNode node, String path, String key, double fallback, double min) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min) {
            throw error(join(path, key), "expected a number >= " + min + ", got " + describe(v));
        }
        return v.asDouble();
    }

    boolean bool(JsonNode node, String path, String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw error(join(path, key), "expected true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    /** A list (a single value is accepted as a list of one), each element converted and checked. */
    <T> List<T> list(JsonNode node, String path, String key, boolean required, Function<Element, T> convert) {
        JsonNode v = node.get(key);
        List<T> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            if (required) {
                throw error(join(path, key), "is required (a list)");
            }
            return out;
        }
        if (!v.isArray()) {
            out.add(convert.apply(new Element(v, join(path, key))));
            return out;
        }
        if (v.isEmpty() && required) {
            throw error(join(path, key), "must not be empty");
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(convert.apply(new Element(v.get(i), join(path, key) + "[" + i + "]")));
        }
        return out;
    }

    String stringElement(Element e) {
        if (!e.node().isTextual()) {
            throw error(e.path(), "expected a string, got " + describe(e.node()));
        }
        return e.node().asText();
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String describe(JsonNode v) {
        if (v.isTextual()) {
            return "'" + v.asText() + "' (a string)";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        return v.toString() + (v.isNumber() ? " (a number)" : v.isBoolean() ? " (a boolean)" : "");
    }

    record Element(JsonNode node, String path) {}
}
