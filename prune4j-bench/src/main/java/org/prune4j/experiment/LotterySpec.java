package org.prune4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;

import org.prune4j.lottery.Control;
import org.prune4j.lottery.IterativeMagnitudePruning;
import org.prune4j.lottery.MaxLearningRate;
import org.prune4j.lottery.Rewind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A spec's {@code lottery:} section: iterative magnitude pruning runs, one per model, seed and
 * variant, each training its zoo model with the spec's {@code pretrain} recipe (which every round
 * then replays) and keeping its saved states next to the results store, so that an interrupted
 * grid continues after the last finished round.
 *
 * <pre>
 * lottery:
 *   rate: 0.2                 # of the remaining prunable weights per round, in (0, 1)
 *   target_density: 0.1       # as many rounds as it takes (or rounds: N)
 *   method: global-magnitude  # or layer-magnitude
 *   variants:
 *     - {rewind: init, controls: [reinit, random-masks]}
 *     - {rewind: "iteration:94"}
 *     - {rewind: lr}
 *     - {rewind: lr, max_lr: silo}
 *     - {rewind: finetune}
 *     - {rewind: init, splits: 2}   # COLT
 * </pre>
 *
 * @param variants each variant's settings, shared ones included: what a run's id hashes
 */
public record LotterySpec(List<Map<String, Object>> variants) {

    private static final Set<String> KEYS = Set.of("rate", "target_density", "rounds", "method", "include_classifier",
            "variants");
    private static final Set<String> VARIANT_KEYS = Set.of("rewind", "controls", "splits", "max_lr", "oracle_grid");

    /** The section, or null when the spec has none. */
    static LotterySpec read(SpecReader r, JsonNode root) {
        JsonNode node = root.get("lottery");
        if (node == null || node.isNull()) {
            return null;
        }
        r.allowOnly(node, "lottery", KEYS);
        Map<String, Object> shared = new LinkedHashMap<>();
        double rate = r.number(node, "lottery", "rate", 0.2, 0);
        if (!(rate > 0 && rate < 1)) {
            throw r.error("lottery.rate", "the share of the remaining weights each round removes must be in (0, 1), got "
                    + rate);
        }
        shared.put("rate", rate);
        if (node.has("rounds") == node.has("target_density")) {
            throw r.error("lottery", "give either 'rounds' or 'target_density' (e.g. target_density: 0.1)");
        }
        if (node.has("rounds")) {
            shared.put("rounds", r.integer(node, "lottery", "rounds", 1, 1));
        } else {
            double target = r.number(node, "lottery", "target_density", 0.1, 0);
            if (!(target > 0 && target < 1)) {
                throw r.error("lottery.target_density", "the share of weights to end with must be in (0, 1), got " + target);
            }
            shared.put("targetDensity", target);
        }
        String method = r.string(node, "lottery", "method", "global-magnitude");
        if (!method.equals("global-magnitude") && !method.equals("layer-magnitude")) {
            throw r.error("lottery.method", "expected global-magnitude or layer-magnitude, got '" + method + "'");
        }
        shared.put("method", method);
        shared.put("includeClassifier", r.bool(node, "lottery", "include_classifier", false));
        List<Map<String, Object>> variants = r.list(node, "lottery", "variants", true, e -> {
            r.allowOnly(e.node(), e.path(), VARIANT_KEYS);
            Map<String, Object> v = new LinkedHashMap<>(shared);
            String rewind = r.string(e.node(), e.path(), "rewind", null);
            try {
                v.put("rewind", Rewind.parse(rewind).toString());
            } catch (IllegalArgumentException ex) {
                throw r.error(e.path() + ".rewind", ex.getMessage());
            }
            v.put("controls", r.list(e.node(), e.path(), "controls", false, c -> {
                try {
                    return Control.parse(r.stringElement(c)).label();
                } catch (IllegalArgumentException ex) {
                    throw r.error(c.path(), ex.getMessage());
                }
            }));
            v.put("splits", r.integer(e.node(), e.path(), "splits", 1, 1));
            String maxLr = r.string(e.node(), e.path(), "max_lr", "constant");
            try {
                v.put("maxLr", MaxLearningRate.parse(maxLr).label());
            } catch (IllegalArgumentException ex) {
                throw r.error(e.path() + ".max_lr", ex.getMessage());
            }
            v.put("oracleGrid", r.list(e.node(), e.path(), "oracle_grid", false, p -> {
                if (!p.node().isNumber() || !(p.node().asDouble() > 0)) {
                    throw r.error(p.path(), "a peak learning rate must be a number > 0, got " + SpecReader.describe(p.node()));
                }
                return p.node().asDouble();
            }));
            return v;
        });
        return new LotterySpec(variants);
    }

    /** Configures a run from a variant's settings (as {@link #read} made them). */
    @SuppressWarnings("unchecked")
    static IterativeMagnitudePruning.Builder configure(IterativeMagnitudePruning.Builder b, Map<String, Object> v) {
        EnumSet<Control> controls = EnumSet.noneOf(Control.class);
        ((List<String>) v.get("controls")).forEach(c -> controls.add(Control.parse(c)));
        b.optRate(((Number) v.get("rate")).doubleValue()).optMethod((String) v.get("method"))
                .optIncludeClassifier((Boolean) v.get("includeClassifier")).optRewind(Rewind.parse((String) v.get("rewind")))
                .optControls(controls).optSplits(((Number) v.get("splits")).intValue())
                .optMaxLearningRate(MaxLearningRate.parse((String) v.get("maxLr")))
                .optOracleGrid(((List<Number>) v.get("oracleGrid")).stream().mapToDouble(Number::doubleValue).toArray());
        if (v.get("rounds") != null) {
            b.optRounds(((Number) v.get("rounds")).intValue());
        } else {
            b.optTargetDensity(((Number) v.get("targetDensity")).doubleValue());
        }
        return b;
    }

    /** {@code rewind init, controls reinit+random-masks}, {@code COLT 2 splits, rewind init}, ... for logs. */
    static String label(Map<String, Object> v) {
        List<String> parts = new ArrayList<>();
        int splits = ((Number) v.get("splits")).intValue();
        if (splits > 1) {
            parts.add("COLT " + splits + " splits");
        }
        parts.add("rewind " + v.get("rewind"));
        if (!"constant".equals(v.get("maxLr"))) {
            parts.add("max-lr " + v.get("maxLr"));
        }
        if (!((List<?>) v.get("oracleGrid")).isEmpty()) {
            parts.add("oracle");
        }
        return String.join(", ", parts);
    }
}
