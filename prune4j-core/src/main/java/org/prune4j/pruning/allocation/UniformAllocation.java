package org.prune4j.pruning.allocation;

import org.prune4j.dependency.Group;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every group loses the same share of its channels. */
public final class UniformAllocation implements Allocation {

    public static final String NAME = "uniform";
    private static final int STEPS = 1000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Levels levels(AllocationContext context) {
        return new Levels() {
            @Override
            public int top() {
                return STEPS;
            }

            @Override
            public Map<Group, Integer> at(int level) {
                return atRatio(level / (double) STEPS, 0);
            }

            @Override
            public Map<Group, Integer> atRatio(double ratio, int totalChannels) {
                Map<Group, Integer> out = new LinkedHashMap<>();
                context.scores().keySet().forEach(g -> out.put(g, (int) Math.floor(ratio * g.size())));
                return out;
            }
        };
    }
}
