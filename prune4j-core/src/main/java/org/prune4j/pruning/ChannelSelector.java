package org.prune4j.pruning;

import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Chooses which channels to remove from scored groups: the lowest-scored ones, per group
 * (uniform) or across groups (global), with every group keeping at least {@code minChannels}
 * and a multiple of {@code roundTo} channels. For MAC and parameter budgets it searches for the
 * smallest removal that meets the ceiling, measured on the resized graph.
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

    /** Removes {@code ratio} of every searchable group's channels (and the fixed ratios). */
    Map<Group, int[]> byRatio(Scope scope, double ratio) {
        if (scope == Scope.UNIFORM) {
            return uniform(ratio);
        }
        int total = scores.keySet().stream().filter(g -> !fixedRatios.containsKey(g)).mapToInt(Group::size).sum();
        return global((int) Math.floor(ratio * total));
    }

    /** The smallest removal whose graph has at most {@code ceiling} MACs (or parameters). */
    Map<Group, int[]> byCeiling(Scope scope, PruningTarget target, double ceiling) {
        int steps = scope == Scope.UNIFORM ? 1000
                : scores.keySet().stream().filter(g -> !fixedRatios.containsKey(g)).mapToInt(Group::size).sum();
        IntFunction<Map<Group, int[]>> at = scope == Scope.UNIFORM ? i -> uniform(i / (double) steps) : this::global;
        Map<Group, int[]> most = at.apply(steps);
        double best = measure(target, most);
        if (best > ceiling) {
            double original = measure(target, Map.of());
            throw new IllegalArgumentException("target " + target + " cannot be met: with every layer keeping at least "
                    + minChannels + " channel(s) the most this model allows is " + String.format("%.2fx", original / best));
        }
        int lo = 0;
        int hi = steps;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (measure(target, at.apply(mid)) <= ceiling) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return at.apply(lo);
    }

    double measure(PruningTarget target, Map<Group, int[]> removal) {
        return target.measure(ModelSummary.of(removal.isEmpty() ? graph : ChannelRemoval.prunedGraph(graph, removal)));
    }

    private Map<Group, int[]> uniform(double ratio) {
        Map<Group, int[]> out = new LinkedHashMap<>();
        for (Group g : scores.keySet()) {
            double r = fixedRatios.getOrDefault(g, ratio);
            put(out, g, (int) Math.floor(r * g.size()));
        }
        return out;
    }

    /** Removes the {@code count} lowest-scored channels across the searchable groups. */
    private Map<Group, int[]> global(int count) {
        record Candidate(Group group, float score) {}
        List<Candidate> all = new ArrayList<>();
        for (Map.Entry<Group, float[]> e : scores.entrySet()) {
            if (!fixedRatios.containsKey(e.getKey())) {
                for (float s : e.getValue()) {
                    all.add(new Candidate(e.getKey(), s));
                }
            }
        }
        all.sort(Comparator.comparingDouble(Candidate::score));
        Map<Group, Integer> perGroup = new HashMap<>();
        for (int i = 0; i < Math.min(count, all.size()); i++) {
            perGroup.merge(all.get(i).group(), 1, Integer::sum);
        }
        Map<Group, int[]> out = new LinkedHashMap<>();
        for (Group g : scores.keySet()) {
            Double fixed = fixedRatios.get(g);
            put(out, g, fixed != null ? (int) Math.floor(fixed * g.size()) : perGroup.getOrDefault(g, 0));
        }
        return out;
    }

    /** Records the {@code wanted} lowest-scored channels of {@code g}, within the constraints. */
    private void put(Map<Group, int[]> out, Group g, int wanted) {
        int keep = Math.max(Math.min(minChannels, g.size()), g.size() - wanted);
        if (roundTo > 1) { // in real channels: a group's channel may be a block (a whole group of a grouped conv)
            int width = g.indicesIn(g.root(), 0).size();
            int step = roundTo / java.math.BigInteger.valueOf(roundTo).gcd(java.math.BigInteger.valueOf(width)).intValue();
            keep = Math.min(g.size(), (keep + step - 1) / step * step);
        }
        int remove = g.size() - keep;
        if (remove <= 0) {
            return;
        }
        float[] s = scores.get(g);
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> s[i]));
        int[] ks = new int[remove];
        for (int i = 0; i < remove; i++) {
            ks[i] = order[i];
        }
        out.put(g, ks);
    }
}
