package org.prune4j.pruning.allocation;

import org.prune4j.criterion.Calibration;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.Comparator;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What an allocation sees at a pruning step: the model, the criterion's scores of the groups it
 * may share the budget between (lower is less important), and the calibration data (null in a
 * data-free run).
 */
public record AllocationContext(Model model, Map<Group, float[]> scores, Calibration data) {

    /** The calibration data, or a clear error naming the allocation that needs it. */
    public Calibration requireData(String allocation, String why) {
        if (data == null) {
            throw new IllegalArgumentException("allocation '" + allocation + "' " + why
                    + ": it needs data (give --data, or a calibration loader)");
        }
        return data;
    }

    /** The lowest-scored {@code count} channels of {@code group}, the ones its criterion removes first. */
    public int[] lowest(Group group, int count) {
        return lowest(scores.get(group), count);
    }

    /** The indices of the {@code count} lowest scores (ties by index). */
    public static int[] lowest(float[] scores, int count) {
        return IntStream.range(0, scores.length).boxed().sorted(Comparator.comparingDouble(i -> scores[i]))
                .limit(count).mapToInt(Integer::intValue).toArray();
    }
}
