package org.prune4j.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy and calibration of a model under one condition: {@code clean}, or a corruption at a
 * severity with the corruption's parameter at that severity.
 */
public record ConditionResult(String condition, String corruption, int severity, double level, double top1,
        double nll, double ece) {

    public static final String CLEAN = "clean";

    static ConditionResult of(String condition, String corruption, int severity, double level, Predictions p,
            int bins) {
        return new ConditionResult(condition, corruption, severity, level, p.accuracy(), p.negativeLogLikelihood(),
                ReliabilityDiagram.of(p, bins).ece());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("condition", condition);
        m.put("corruption", corruption);
        m.put("severity", severity);
        m.put("level", level);
        m.put("top1", top1);
        m.put("nll", nll);
        m.put("ece", ece);
        return m;
    }
}
