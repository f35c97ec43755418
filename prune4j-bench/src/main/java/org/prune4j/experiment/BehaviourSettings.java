package org.prune4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;

import org.prune4j.evaluation.Corruptions;
import org.prune4j.evaluation.ReliabilityDiagram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A spec's {@code evaluate:} key: which corruption conditions every run's model is evaluated
 * under after the grid, and the tolerance of prune potential. Not part of a run's identity:
 * adding or changing it evaluates the finished runs' saved models again, never retrains them.
 *
 * <pre>
 * evaluate: {corruptions: [gaussian-noise, rotation], severities: [1, 3, 5], seed: 0, delta: 0.5,
 *            certify: [0.002, 0.008],   # certified accuracy by interval bounds at these radii
 *            limit: 2000}               # the first 2,000 test examples only (default: all)
 * evaluate: true   # every corruption at severities 1-5
 * evaluate: {corruptions: [], certify: [0.001]}   # clean behaviour and certification only
 * </pre>
 *
 * @param delta prune potential's tolerance in accuracy points
 * @param limit how many of the first test examples are evaluated; 0 = all of them
 */
public record BehaviourSettings(List<String> corruptions, List<Integer> severities, long seed, int bins,
        List<Double> certify, double delta, int limit) {

    private static final Set<String> KEYS = Set.of("corruptions", "severities", "seed", "bins", "certify", "delta",
            "limit");
    public static final double DEFAULT_DELTA = 0.5;

    public BehaviourSettings {
        corruptions = List.copyOf(corruptions);
        severities = List.copyOf(severities);
        certify = List.copyOf(certify);
        Corruptions.conditions(corruptions, severities); // checks names and severities
    }

    public static BehaviourSettings defaults() {
        return new BehaviourSettings(Corruptions.names(), List.of(1, 2, 3, 4, 5), 0, ReliabilityDiagram.DEFAULT_BINS,
                List.of(), DEFAULT_DELTA, 0);
    }

    public List<Corruptions.Condition> conditions() {
        return Corruptions.conditions(corruptions, severities);
    }

    /** What makes two evaluations the same (delta only changes the report). */
    public String key() {
        return "corruptions=" + corruptions + ";severities=" + severities + ";seed=" + seed + ";bins=" + bins
                + (certify.isEmpty() ? "" : ";certify=" + certify) + (limit == 0 ? "" : ";limit=" + limit);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("corruptions", corruptions);
        m.put("severities", severities);
        m.put("seed", seed);
        m.put("bins", bins);
        m.put("certify", certify);
        m.put("delta", delta);
        m.put("limit", limit);
        return m;
    }

    /** Reads the key: absent or false = null (no evaluation), true = defaults, or a mapping. */
    static BehaviourSettings read(SpecReader r, JsonNode root) {
        JsonNode node = root.get("evaluate");
        if (node == null || node.isNull() || (node.isBoolean() && !node.asBoolean())) {
            return null;
        }
        if (node.isBoolean()) {
            return defaults();
        }
        r.allowOnly(node, "evaluate", KEYS);
        BehaviourSettings d = defaults();
        List<String> corruptions = node.has("corruptions") ? r.list(node, "evaluate", "corruptions", false, e -> {
            String name = r.stringElement(e);
            if (!Corruptions.names().contains(name)) {
                throw r.error(e.path(), "unknown corruption '" + name + "'; allowed: " + Corruptions.names());
            }
            return name;
        }) : d.corruptions();
        List<Integer> severities = node.has("severities") ? r.list(node, "evaluate", "severities", true, e -> {
            if (!e.node().isInt() || e.node().asInt() < 1 || e.node().asInt() > 5) {
                throw r.error(e.path(), "a severity is a whole number from 1 to 5, got " + SpecReader.describe(e.node()));
            }
            return e.node().asInt();
        }) : d.severities();
        List<Double> certify = r.list(node, "evaluate", "certify", false, e -> {
            if (!e.node().isNumber() || e.node().asDouble() < 0 || e.node().asDouble() > 1) {
                throw r.error(e.path(), "a certification radius is a number of pixel units from 0 to 1, got "
                        + SpecReader.describe(e.node()));
            }
            return e.node().asDouble();
        });
        double delta = r.number(node, "evaluate", "delta", DEFAULT_DELTA, 0);
        return new BehaviourSettings(corruptions, severities, r.integer(node, "evaluate", "seed", 0, 0),
                r.integer(node, "evaluate", "bins", ReliabilityDiagram.DEFAULT_BINS, 1), certify, delta,
                r.integer(node, "evaluate", "limit", 0, 0));
    }
}
