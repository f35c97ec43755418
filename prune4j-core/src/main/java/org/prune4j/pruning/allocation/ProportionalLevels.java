package org.prune4j.pruning.allocation;

import org.prune4j.dependency.Group;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each group loses a share of its channels proportional to its weight: {@code min(1, λ·w)},
 * λ growing with the level until every group of positive weight is removed whole. A group of
 * weight 0 is never pruned. The steps are fine enough that one level moves a group by at most
 * one channel.
 */
final class ProportionalLevels implements Levels {

    private final Map<Group, Double> weights;
    private final double maxLambda;
    private final int top;
    private final Map<String, Object> report;

    /** {@code weights} at least 0, not all 0 (the caller says why in its error). */
    ProportionalLevels(Map<Group, Double> weights, Map<String, Object> report) {
        double max = weights.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double minPositive = weights.values().stream().mapToDouble(Double::doubleValue).filter(w -> w > 0).min()
                .orElse(1);
        this.weights = new LinkedHashMap<>();
        weights.forEach((g, w) -> this.weights.put(g, max > 0 ? w / max : 0));
        this.maxLambda = max > 0 ? max / minPositive : 0;
        int widest = weights.keySet().stream().mapToInt(Group::size).max().orElse(1);
        this.top = (int) Math.min(1_000_000, Math.ceil(maxLambda * widest));
        this.report = report;
    }

    @Override
    public int top() {
        return top;
    }

    @Override
    public Map<Group, Integer> at(int level) {
        double lambda = top == 0 ? 0 : maxLambda * level / top;
        Map<Group, Integer> out = new LinkedHashMap<>();
        weights.forEach((g, w) -> out.put(g, (int) Math.floor(Math.min(1, lambda * w) * g.size() + 1e-9)));
        return out;
    }

    @Override
    public Map<String, Object> report() {
        return report;
    }
}
