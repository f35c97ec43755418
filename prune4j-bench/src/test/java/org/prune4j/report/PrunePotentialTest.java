package org.prune4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.prune4j.evaluation.ReliabilityDiagram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class PrunePotentialTest {

    @Test
    void thePotentialIsTheMostPruningWithinDeltaOfTheDenseModelUnderEachCondition() {
        BehaviourPoints dense = point("dense", 1, Map.of("clean", 0.900, "noise@5", 0.700));
        List<BehaviourPoints> method = List.of(
                point("×2", 2, Map.of("clean", 0.899, "noise@5", 0.690)), // clean within 0.5 points, noise not
                point("×4", 4, Map.of("clean", 0.896, "noise@5", 0.650)),
                point("×8", 8, Map.of("clean", 0.880, "noise@5", 0.600)));
        Map<String, Double> potential = BehaviourPoints.prunePotential(method, dense, 0.5);
        assertThat(potential).containsEntry("clean", 4.0).containsEntry("noise@5", 1.0);
        assertThat(BehaviourPoints.prunePotential(method, dense, 2.5)).containsEntry("clean", 8.0)
                .containsEntry("noise@5", 2.0);
    }

    @Test
    void aLargerBudgetThatRecoversCountsEvenAfterASmallerOneThatDidNot() {
        BehaviourPoints dense = point("dense", 1, Map.of("clean", 0.90));
        List<BehaviourPoints> method = List.of(point("×2", 2, Map.of("clean", 0.88)),
                point("×4", 4, Map.of("clean", 0.899)));
        assertThat(BehaviourPoints.prunePotential(method, dense, 0.5)).containsEntry("clean", 4.0);
    }

    @Test
    void severityCurvesAverageTheCorruptionsAtEachSeverity() {
        Map<String, Double> top1 = new LinkedHashMap<>();
        top1.put("clean", 0.9);
        top1.put("noise@1", 0.8);
        top1.put("blur@1", 0.6);
        top1.put("noise@5", 0.3);
        double[] curve = BehaviourSection.meanOverCorruptions(point("×2", 2, top1));
        assertThat(curve[0]).isEqualTo(0.9);
        assertThat(curve[1]).isEqualTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(curve[2]).isNaN();
        assertThat(curve[5]).isEqualTo(0.3);
    }

    private static BehaviourPoints point(String budget, double x, Map<String, Double> top1) {
        return new BehaviourPoints("m", budget.equals("dense") ? "dense" : "magnitude", budget, x, 1, Map.of(), top1,
                new ReliabilityDiagram(List.of(), 0));
    }
}
