package org.prune4j.evaluation;

import com.fasterxml.jackson.annotation.JsonValue;

import org.prune4j.verification.CertifiedRobustness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a model does beyond clean test accuracy: calibration (ECE, NLL, reliability diagram),
 * per-class accuracy and the worst class, agreement with a reference, the dead-ReLU rates (channels
 * never active on the data; ReLU outputs at zero, the dynamic dead-neuron rate of AP), and
 * accuracy and calibration under each corruption condition, and certified robustness.
 *
 * @param agreement null without a reference model
 * @param certified certified accuracy and unstable ReLUs at each requested radius
 * @param fairness null unless the data carry a protected attribute
 */
public record BehaviourReport(ConditionResult clean, ReliabilityDiagram reliability, double[] classAccuracy,
        int worstClass, Agreement agreement, double deadNeuronRate, double dynamicDeadNeuronRate,
        Map<String, Integer> deadPerLayer,
        List<ConditionResult> conditions, List<CertifiedRobustness.Result> certified, Fairness fairness, long seed) {

    /** The condition called {@code label} ({@code clean} or {@code name@severity}), or null. */
    public ConditionResult condition(String label) {
        if (ConditionResult.CLEAN.equals(label)) {
            return clean;
        }
        return conditions.stream().filter(c -> c.condition().equals(label)).findFirst().orElse(null);
    }

    /** Mean accuracy over all corruption conditions (NaN without any): one number for robustness. */
    public double meanCorruptedTop1() {
        return conditions.stream().mapToDouble(ConditionResult::top1).average().orElse(Double.NaN);
    }

    /** The JSON form everywhere (prune's output, bench details, the behaviour table). */
    @JsonValue
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clean", clean.toMap());
        m.put("ece", reliability.ece());
        m.put("nll", clean.nll());
        m.put("reliability", reliability.bins());
        m.put("classAccuracy", classAccuracy);
        m.put("worstClass", worstClass);
        m.put("worstClassAccuracy", worstClass < 0 ? null : classAccuracy[worstClass]);
        if (agreement != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("overall", agreement.overall());
            a.put("perClass", agreement.perClass());
            a.put("leastConfident", agreement.leastConfident());
            a.put("leastConfidentFraction", agreement.leastConfidentFraction());
            m.put("agreement", a);
        }
        m.put("deadNeuronRate", deadNeuronRate);
        m.put("dynamicDeadNeuronRate", dynamicDeadNeuronRate);
        m.put("deadPerLayer", deadPerLayer);
        List<Map<String, Object>> rows = new ArrayList<>();
        conditions.forEach(c -> rows.add(c.toMap()));
        m.put("conditions", rows);
        m.put("meanCorruptedTop1", conditions.isEmpty() ? null : meanCorruptedTop1());
        m.put("certified", certified);
        if (fairness != null) {
            m.put("fairness", fairness);
        }
        m.put("seed", seed);
        return m;
    }

    /** A few lines for a terminal. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "clean: top-1 %.2f%%, NLL %.4f, ECE (%d bins) %.4f%n", clean.top1() * 100,
                clean.nll(), reliability.bins().size(), reliability.ece()));
        s.append(String.format(Locale.ROOT, "worst class: %d at %.2f%%; per class:", worstClass,
                worstClass < 0 ? Double.NaN : classAccuracy[worstClass] * 100));
        for (double a : classAccuracy) {
            s.append(String.format(Locale.ROOT, " %.1f", a * 100));
        }
        s.append(System.lineSeparator());
        if (agreement != null) {
            s.append(String.format(Locale.ROOT, "agreement with reference: %.2f%% overall, %.2f%% on the %.0f%% "
                    + "least confident%n", agreement.overall() * 100, agreement.leastConfident() * 100,
                    agreement.leastConfidentFraction() * 100));
        }
        s.append(String.format(Locale.ROOT, "dead ReLU channels: %.2f%%, ReLU outputs at zero: %.2f%%%n",
                deadNeuronRate * 100, dynamicDeadNeuronRate * 100));
        if (!conditions.isEmpty()) {
            s.append(String.format(Locale.ROOT, "%-22s %8s %8s %8s%n", "condition", "top-1 %", "NLL", "ECE"));
            for (ConditionResult c : conditions) {
                s.append(String.format(Locale.ROOT, "%-22s %8.2f %8.4f %8.4f%n", c.condition(), c.top1() * 100,
                        c.nll(), c.ece()));
            }
            s.append(String.format(Locale.ROOT, "mean corrupted top-1: %.2f%%%n", meanCorruptedTop1() * 100));
        }
        if (fairness != null) {
            s.append(String.format(Locale.ROOT, "fairness: demographic parity difference %.4f, equalized odds "
                    + "difference %.4f, accuracy by group %s%n", fairness.demographicParityDifference(),
                    fairness.equalizedOddsDifference(), java.util.Arrays.toString(fairness.groupAccuracy())));
        }
        for (CertifiedRobustness.Result c : certified) {
            s.append(String.format(Locale.ROOT, "certified at eps %.4f: %.2f%%, unstable ReLUs %.1f per example "
                    + "(%.2f%% of %d)%n", c.epsilon(), 100 * c.certifiedTop1(), c.unstablePerExample(),
                    100 * c.unstableFraction(), c.reluUnits()));
        }
        return s.toString();
    }
}
