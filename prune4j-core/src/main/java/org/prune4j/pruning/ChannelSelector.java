package org.prune4j.pruning;

import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.pruning.allocation.AllocationContext;
import org.prune4j.pruning.allocation.Levels;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chooses which channels to remove from scored groups: an allocation's {@link Levels} say how
 * many each group loses, the lowest-scored go, every group keeping at least {@code minChannels}
 * and a multiple of {@code roundTo} channels, and groups with a fixed ratio losing that. For MAC,
 * parameter and memory budgets it searches the lowest level that meets the ceiling, measured on
 * the resized graph.
 */
final class ChannelSelector {

    private final Graph graph;
    private final Map<Group, float[]> scores;
    private final Map<Group, Double> fixedRatios;
    private final int minChannels;
    private final int roundTo;

    ChannelSelector(Graph graph, Map<Group, float[]> scores, Map<Group, Double> fixedRatios, int minChannels, int roundTo) {
        this.graph = graph;
        this.scores = scores;
        this.fixedRatios = fixedRatios;
        this.minChannels = minChannels;
        this.roundTo = roundTo;
    }

    /** Removes {@code ratio} of the searchable groups' channels as the allocation shares it (and the fixed ratios). */
    Map<Group, int[]> byRatio(Levels levels, double ratio) {
        int total = scores.keySet().stream().filter(g -> !fixedRatios.containsKey(g)).mapToInt(Group::size).sum();
        return select(levels.atRatio(ratio, total));
    }

    /** The lowest level's removal whose graph measures at most {@code ceiling} in the target's quantity. */
    Map<Group, int[]> byCeiling(Levels levels, String allocation, PruningTarget target, double ceiling) {
        return select(levels.at(lowestLevel(levels, allocation, target, ceiling)));
    }

    /** The lowest level whose removal meets {@code ceiling}; a clear error naming the best reachable when none does. */
    int lowestLevel(Levels levels, String allocation, PruningTarget target, double ceiling) {
        double best = measure(target, select(levels.at(levels.top())));
        if (best > ceiling) {
            double original = measure(target, Map.of());
            throw new IllegalArgumentException("target " + target + " cannot be met: with allocation '" + allocation
                    + "' and every layer keeping at least " + minChannels + " channel(s) the most this model allows is "
                    + String.format("%.2fx", original / best));
        }
        int lo = 0;
        int hi = levels.top();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (measure(target, select(levels.at(mid))) <= ceiling) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    double measure(PruningTarget target, Map<Group, int[]> removal) {
        return target.measure(ModelSummary.of(removal.isEmpty() ? graph : ChannelRemoval.prunedGraph(graph, removal)));
    }

    /** The channels to remove: the allocation's counts (or the fixed ratios), within the constraints. */
    Map<Group, int[]> select(Map<Group, Integer> wanted) {
        Map<Group, int[]> out = new LinkedHashMap<>();
        for (Group g : scores.keySet()) {
            Double fixed = fixedRatios.get(g);
            int count = fixed != null ? (int) Math.floor(fixed * g.size()) : wanted.getOrDefault(g, 0);
            int keep = Math.max(Math.min(minChannels, g.size()), g.size() - count);
            if (roundTo > 1) { // in real channels: a group's channel may be a block (a whole group of a grouped conv)
                int width = g.indicesIn(g.root(), 0).size();
                int step = roundTo / BigInteger.valueOf(roundTo).gcd(BigInteger.valueOf(width)).intValue();
                keep = Math.min(g.size(), (keep + step - 1) / step * step);
            }
            if (keep < g.size()) {
                out.put(g, AllocationContext.lowest(scores.get(g), g.size() - keep));
            }
        }
        return out;
    }
}
