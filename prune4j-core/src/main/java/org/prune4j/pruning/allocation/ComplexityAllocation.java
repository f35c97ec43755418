package org.prune4j.pruning.allocation;

import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The complexity-driven selection of the IoT seed paper (Zawish et al., "Complexity-driven CNN
 * compression for resource-constrained edge AI"): layers are pruned by their share of the
 * model's parameters ({@code pa}, parameter-aware), MACs ({@code fa}, FLOPs-aware) or activation
 * memory ({@code ma}, memory-aware). Here a group's share is what its channels cost (the cost one
 * channel adds, times its channels) and each group loses a share of its channels proportional to
 * it, so the heaviest layers shrink most. The paper trains the pruned architecture directly: a
 * bench spec's {@code from_scratch: true} runs that twin.
 */
public final class ComplexityAllocation implements Allocation {

    /** The cost a mode weighs layers by. */
    public enum Mode {
        PA("pa", s -> s.parameters()),
        FA("fa", s -> s.macs()),
        MA("ma", s -> s.activationBytesPerSample());

        private final String label;
        private final ToDoubleFunction<ModelSummary> cost;

        Mode(String label, ToDoubleFunction<ModelSummary> cost) {
            this.label = label;
            this.cost = cost;
        }
    }

    private final Mode mode;

    public ComplexityAllocation(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode.label;
    }

    @Override
    public Levels levels(AllocationContext context) {
        Map<Group, Double> shares = shares(context.model().graph(), context.scores().keySet());
        if (shares.values().stream().allMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("allocation '" + name() + "': no prunable group costs anything in "
                    + mode.name().toLowerCase(java.util.Locale.ROOT) + " terms");
        }
        Map<String, Object> byRoot = new TreeMap<>();
        shares.forEach((g, s) -> byRoot.put(g.root(), s));
        return new ProportionalLevels(shares, Map.of("costShare", byRoot));
    }

    /** Each group's share of the cost: one channel's cost times its channels, over the total. */
    Map<Group, Double> shares(Graph graph, Iterable<Group> groups) {
        double whole = mode.cost.applyAsDouble(ModelSummary.of(graph));
        Map<Group, Double> out = new LinkedHashMap<>();
        for (Group g : groups) {
            double withoutOne = mode.cost.applyAsDouble(
                    ModelSummary.of(ChannelRemoval.prunedGraph(graph, Map.of(g, new int[] {0}))));
            out.put(g, Math.max(0, whole - withoutOne) * g.size() / whole);
        }
        return out;
    }
}
