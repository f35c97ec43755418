package org.prune4j.pruning.allocation;

import org.prune4j.dependency.Group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Channels ranked by score across all groups: level n removes the n lowest-scored. */
public final class GlobalAllocation implements Allocation {

    public static final String NAME = "global";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Levels levels(AllocationContext context) {
        List<Group> ranked = new ArrayList<>(); // one entry per channel, lowest score first
        record Candidate(Group group, float score) {}
        List<Candidate> all = new ArrayList<>();
        context.scores().forEach((g, s) -> {
            for (float x : s) {
                all.add(new Candidate(g, x));
            }
        });
        all.sort(Comparator.comparingDouble(Candidate::score));
        all.forEach(c -> ranked.add(c.group()));
        return new Levels() {
            @Override
            public int top() {
                return ranked.size();
            }

            @Override
            public Map<Group, Integer> at(int level) {
                Map<Group, Integer> out = new HashMap<>();
                ranked.subList(0, level).forEach(g -> out.merge(g, 1, Integer::sum));
                return out;
            }

            @Override
            public Map<Group, Integer> atRatio(double ratio, int totalChannels) {
                return at((int) Math.floor(ratio * ranked.size()));
            }
        };
    }
}
