package org.prune4j.criterion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.train.Loss;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class SingeCriterionTest {

    private static final ImageDataset DATA =
            SyntheticImages.builder().setNumSamples(16).setShape(1, 28, 28).setNumClasses(10).build();

    /**
     * Completeness of integrated gradients: the channels' terms add up to the loss change of
     * removing the whole group (float64, 200 midpoints), including the coupled residual group;
     * one point of the path alone (its midpoint) misses it.
     */
    @Test
    void theChannelsTermsAddUpToTheLossChangeOfRemovingTheGroup() {
        try (Model model = Model.builder().setGraph(SecondOrderFixtures.smoothResidualNet()).optSeed(5)
                .optDataType(DataType.FLOAT64).build()) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            Calibration one = new Calibration(DataLoader.builder().setDataset(DATA).setBatchSize(16).build(), 1);
            one.forEach(model, (step, xy) -> {
                for (Group g : groups) {
                    double total = Arrays.stream(SingeCriterion.integratedGradients(model, g, step, xy, 200)).sum();
                    double change = loss(model, step, xy, g, 0) - loss(model, step, xy, g, 1);
                    assertThat(total).as("group %s", g.root()).isCloseTo(change, within(3e-4 * Math.abs(change) + 1e-9));
                    double midpoint = Arrays.stream(SingeCriterion.integratedGradients(model, g, step, xy, 1)).sum();
                    assertThat(Math.abs(midpoint - change)).as("the midpoint alone (%s vs %s), group %s", midpoint, change,
                            g.root()).isGreaterThan(3e-3 * Math.abs(change));
                }
            });
        }
    }

    /** The loss with every space of the group scaled by {@code mu}. */
    private static double loss(Model model, NDManager step, NDList xy, Group g, double mu) {
        Map<String, NDArray> gates = new HashMap<>();
        for (String space : g.spaces()) {
            gates.put(space, step.full(Calibration.gateShape(model, space, 1), (float) mu, model.dataType()));
        }
        try (NDManager scope = step.newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false, gates);
            logits.attach(scope);
            try (NDArray l = Loss.crossEntropy(logits, xy.get(1))) {
                return l.getDouble();
            }
        }
    }
}
