package org.prune4j.smt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The verdict on every partition, with the totals. */
public record FairifyReport(int protectedFeature, boolean prunedStableUnits, int timeoutMillis,
        List<PartitionResult> partitions, double seconds) {

    public long count(Verdict verdict) {
        return partitions.stream().filter(p -> p.verdict() == verdict).count();
    }

    /** Hidden ReLUs pruned from the encodings (proved inactive), summed over partitions. */
    public long inactiveUnits() {
        return partitions.stream().mapToLong(PartitionResult::inactiveUnits).sum();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protectedFeature", protectedFeature);
        m.put("prunedStableUnits", prunedStableUnits);
        m.put("timeoutMillis", timeoutMillis);
        m.put("partitions", partitions.size());
        for (Verdict v : Verdict.values()) {
            m.put(v.name().toLowerCase(java.util.Locale.ROOT), count(v));
        }
        m.put("confirmedCounterexamples", partitions.stream().filter(PartitionResult::confirmed).count());
        m.put("seconds", seconds);
        m.put("results", partitions);
        return m;
    }
}
