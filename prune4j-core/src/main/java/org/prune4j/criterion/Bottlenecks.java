package org.prune4j.criterion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers a global criterion keeps almost whole: SOSP's architectural bottlenecks
 * (Nonnenmacher et al., ICLR 2022, Sec. 5), groups whose channels score high against every other
 * group's, so that widening them, not pruning them, is what the network asks for. Channels are
 * ranked by raw score across all groups (no per-group normalization) and the lowest
 * {@code removedFraction} of them removed, each group keeping at least one.
 */
public final class Bottlenecks {

    /** One group's share of the kept channels. */
    public record Layer(String group, int kept, int channels) {
        public double keptFraction() {
            return kept / (double) channels;
        }
    }

    private Bottlenecks() {}

    /** Every group's kept channels, in the order of {@code scores} (group id → channel scores). */
    public static List<Layer> kept(Map<String, float[]> scores, double removedFraction) {
        if (!(removedFraction >= 0 && removedFraction < 1)) {
            throw new IllegalArgumentException("the removed fraction must be in [0, 1), got " + removedFraction);
        }
        record Channel(String group, float score) {}
        List<Channel> all = new ArrayList<>();
        scores.forEach((g, s) -> {
            for (float v : s) {
                all.add(new Channel(g, v));
            }
        });
        all.sort(Comparator.comparingDouble(Channel::score));
        Map<String, Integer> kept = new LinkedHashMap<>();
        scores.forEach((g, s) -> kept.put(g, s.length));
        int toRemove = (int) Math.round(removedFraction * all.size());
        for (Channel c : all) {
            if (toRemove == 0) {
                break;
            }
            if (kept.get(c.group()) > 1) {
                kept.merge(c.group(), -1, Integer::sum);
                toRemove--;
            }
        }
        List<Layer> layers = new ArrayList<>();
        kept.forEach((g, k) -> layers.add(new Layer(g, k, scores.get(g).length)));
        return layers;
    }

    /** The groups that keep at least {@code threshold} of their channels (e.g. 0.9). */
    public static List<Layer> flagged(List<Layer> kept, double threshold) {
        return kept.stream().filter(l -> l.keptFraction() >= threshold).toList();
    }
}
