package org.prune4j.pruning.allocation;

import org.prune4j.dependency.Group;

import java.util.Map;

/**
 * An allocation's removals ordered from none (level 0) to most ({@link #top()}): how many channels
 * each group would lose at a level, never fewer at a higher level. The pruner applies its
 * minimum channels and rounding afterwards and picks the lowest level that meets its target.
 */
public interface Levels {

    /** The highest level. */
    int top();

    /** Channels each group loses at {@code level} (groups absent lose none). */
    Map<Group, Integer> at(int level);

    /** The removal of {@code ratio} of all channels: by default the lowest level that removes at least that many. */
    default Map<Group, Integer> atRatio(double ratio, int totalChannels) {
        long wanted = (long) Math.floor(ratio * totalChannels);
        int lo = 0;
        int hi = top();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (at(mid).values().stream().mapToLong(Integer::longValue).sum() >= wanted) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return at(lo);
    }

    /** What the allocation measured to make these levels (curves, ranks, shares), for provenance; none by default. */
    default Map<String, Object> report() {
        return Map.of();
    }
}
