package org.prune4j.criterion;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The scores of one criterion for groups of a model: what the pruner ranks and {@code prune4j scores} shows. */
public final class ChannelScores {

    private ChannelScores() {}

    /**
     * Lets {@code criterion} see {@code data} if it uses data, then scores every group. Fails
     * when a data-driven criterion gets no data, and on a NaN or infinite score (naming the
     * group's layer): a diverged gradient or an overflow is no evidence of what matters.
     */
    public static Map<Group, float[]> of(Model model, ChannelCriterion criterion, List<Group> groups,
            Calibration data) {
        if (criterion.usesData()) {
            if (data == null) {
                throw new IllegalArgumentException("criterion '" + criterion.name() + "' needs calibration data "
                        + "(training batches): give the pruner a calibration loader, or --data on the command line");
            }
            criterion.calibrate(model, groups, data);
        }
        Map<Group, float[]> scores = new LinkedHashMap<>();
        for (Group g : groups) {
            float[] s = criterion.score(model, g);
            if (s.length != g.size()) {
                throw new IllegalStateException("criterion '" + criterion.name() + "' gave " + s.length
                        + " scores for the " + g.size() + " channels of group " + g.root());
            }
            Scores.requireFinite(s, criterion.name(), "group " + g.root());
            scores.put(g, s);
        }
        return scores;
    }
}
