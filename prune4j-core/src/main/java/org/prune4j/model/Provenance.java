package org.prune4j.model;

import org.prune4j.engine.Engines;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model was made: what was done ({@code kind}, e.g. "train" or "prune"), with which
 * settings (model, data, recipe, seed, …), by which versions, and from which parent model.
 * Saved with every checkpoint and copied into every result.
 */
public final class Provenance {

    private final String kind;
    private final Map<String, Object> settings;
    private final Map<String, String> versions;
    private final String created;
    private final Provenance parent;

    public Provenance(String kind, Map<String, Object> settings, Map<String, String> versions,
            String created, Provenance parent) {
        this.kind = kind;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
        this.created = created;
        this.parent = parent;
    }

    /** A new record stamped with the running versions and the current time. */
    public static Provenance of(String kind, Map<String, Object> settings, Provenance parent) {
        return new Provenance(kind, settings, Engines.versions(), Instant.now().toString(), parent);
    }

    public String kind() {
        return kind;
    }

    public Map<String, Object> settings() {
        return settings;
    }

    public Map<String, String> versions() {
        return versions;
    }

    public String created() {
        return created;
    }

    /** The provenance of the model this one was derived from, or null. */
    public Provenance parent() {
        return parent;
    }

    /** A plain map (nested for parents) for JSON. */
    @com.fasterxml.jackson.annotation.JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("settings", settings);
        m.put("versions", versions);
        m.put("created", created);
        if (parent != null) {
            m.put("parent", parent.toMap());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Provenance fromMap(Map<String, Object> m) {
        Object parent = m.get("parent");
        return new Provenance(String.valueOf(m.get("kind")),
                (Map<String, Object>) m.getOrDefault("settings", Map.of()),
                (Map<String, String>) m.getOrDefault("versions", Map.of()),
                String.valueOf(m.get("created")),
                parent == null ? null : fromMap((Map<String, Object>) parent));
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
