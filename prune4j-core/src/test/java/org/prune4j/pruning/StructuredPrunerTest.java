package org.prune4j.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class StructuredPrunerTest {

    private static final Graph RESNET = ModelZoo.build("resnet20", ZooOptions.fashionMnist().withWidth(0.5));
    private static final DataLoader CALIBRATION = DataLoader.builder().setBatchSize(16)
            .setDataset(SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).build()).build();

    @ParameterizedTest
    @CsvSource({"l1,uniform", "l1,global", "taylor,uniform", "taylor,global", "bn-scale,global",
        "taylor-activation,global", "random,uniform", "l2,global"})
    void aMacTargetIsMetAndTheModelStillRuns(String method, String scope) {
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner.builder().setCriterion(method).setTarget(PruningTarget.parse("macs=2x"))
                    .optAllocation(scope).optCalibration(CALIBRATION, 2).build().prune(model, null);
            long after = ModelSummary.of(model.graph()).macs();
            assertThat(after).isLessThanOrEqualTo(before / 2).isGreaterThan(before / 3);
            try (NDManager m = model.manager().newSubManager()) {
                assertThat(model.forward(m.ones(new Shape(2, 1, 28, 28)), false).getShape()).isEqualTo(new Shape(2, 10));
            }
        }
    }

    /** Bytes of weights plus every layer's output at the batch size: the batch decides what is cut. */
    @Test
    void aMemoryTargetBoundsWeightsPlusActivationsAtItsBatchSize() {
        PruningTarget target = PruningTarget.parse("memory=2x@64");
        assertThat(target.batch()).isEqualTo(64);
        assertThat(PruningTarget.parse(target.toString())).isEqualTo(target);
        assertThat(PruningTarget.parse("memory=1.5x").batch()).isEqualTo(1);
        assertThatThrownBy(() -> PruningTarget.parse("macs=2x@64")).hasMessageContaining("only memory targets");
        try (Model model = Model.builder().setGraph(RESNET).optSeed(1).build()) {
            ModelSummary before = ModelSummary.of(model.graph());
            double bytes = before.weightBytes() + 64.0 * before.activationBytesPerSample();
            assertThat(target.measure(before)).isEqualTo(bytes);
            StructuredPruner.builder().setCriterion("l1").setTarget(target).optAllocation("global").build()
                    .prune(model, null);
            ModelSummary after = ModelSummary.of(model.graph());
            assertThat(after.weightBytes() + 64.0 * after.activationBytesPerSample()).isLessThanOrEqualTo(bytes / 2)
                    .isGreaterThan(bytes / 3);
        }
    }

    @Test
    void geometricStepsShareTheReductionAndTheLastReachesTheTarget() {
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner pruner = StructuredPruner.builder().setCriterion("l1")
                    .setTarget(PruningTarget.parse("macs=2x")).build();
            List<PruningStep> steps = new ArrayList<>();
            try (PruningMethod.Pruning p = pruner.begin(model, null)) {
                for (int i = 1; i <= 3; i++) {
                    steps.add(p.pruneTo(Progress.geometric(i / 3.0), null));
                }
            }
            assertThat(steps).extracting(PruningStep::step).containsExactly(1, 2, 3);
            // each step ends at or below before / 2^(i/3)
            for (int i = 0; i < 3; i++) {
                assertThat((double) steps.get(i).macsAfter()).as("step %d", i + 1)
                        .isLessThanOrEqualTo(before / Math.pow(2, (i + 1) / 3.0))
                        .isGreaterThan(before / Math.pow(2, (i + 1) / 3.0) * 0.8);
            }
            assertThat(model.provenance().kind()).isEqualTo("prune");
            assertThat(model.provenance().settings()).containsEntry("steps", 3).containsEntry("progress", 1.0)
                    .containsEntry("criterion", "l1").containsEntry("target", "macs=2x");
        }
    }

    @Test
    void aCubicStepRemovesTheGradualSchedulesShareOfTheChannels() {
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            long before = ModelSummary.of(model.graph()).macs();
            StructuredPruner pruner = StructuredPruner.builder().setCriterion("l1")
                    .setTarget(PruningTarget.parse("macs=2x")).build();
            try (PruningMethod.Pruning p = pruner.begin(model, null)) {
                // half way through AGP, 1 - (1 - 0.5)^3 = 87.5% of the removal is done
                PruningStep half = p.pruneTo(Progress.cubic(0.5), null);
                double ceiling = before * (1 - 0.5 * 0.875);
                assertThat((double) half.macsAfter()).isLessThanOrEqualTo(ceiling).isGreaterThan(ceiling * 0.9);
                PruningStep end = p.pruneTo(Progress.cubic(1), null);
                assertThat(end.macsAfter()).isLessThanOrEqualTo(before / 2);
            }
        }
    }

    @Test
    void aCriterionThatGivesNaNStopsPruningNamingTheGroupAndLeavesTheModelAsItWas() {
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            long before = ModelSummary.of(model.graph()).macs();
            org.prune4j.criterion.ChannelCriterion nan = new org.prune4j.criterion.ChannelCriterion() {
                @Override
                public String name() {
                    return "diverged";
                }

                @Override
                public float[] score(Model m, Group g) {
                    float[] s = new float[g.size()];
                    s[g.size() - 1] = Float.NaN;
                    return s;
                }
            };
            assertThatThrownBy(() -> StructuredPruner.builder().setCriterion(seed -> nan)
                    .setTarget(PruningTarget.parse("macs=2x")).build().prune(model, null))
                    .hasMessageContaining("criterion 'diverged' gave NaN").hasMessageContaining("pruning stopped");
            assertThat(ModelSummary.of(model.graph()).macs()).isEqualTo(before);
        }
    }

    @Test
    void roundingKeepsChannelCountsAtMultiplesOfEight() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", ZooOptions.fashionMnist())).build()) {
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.4")).optRoundTo(8)
                    .build().prune(model, null);
            model.graph().nodes().stream().filter(n -> n.op() instanceof Conv2dOp)
                    .forEach(n -> assertThat(model.graph().shapeOf(n.name()).get(0) % 8).as(n.name()).isZero());
        }
    }

    @Test
    void ignoredLayersKeepTheirChannels() {
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.5"))
                    .optIgnoredLayers(Set.of("stem.conv")).build().prune(model, null);
            assertThat(model.graph().shapeOf("stem.conv")).isEqualTo(RESNET.shapeOf("stem.conv"));
            assertThat(model.graph().shapeOf("layer1.0.branch1.conv").get(0)).isLessThan(RESNET.shapeOf("layer1.0.branch1.conv").get(0));
        }
    }

    @Test
    void magnitudeRanksAZeroedFilterLowest() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).build()) {
            var w = model.parameter("conv2", "weight").value();
            float[] values = w.toFloatArray();
            java.util.Arrays.fill(values, 3 * 150, 4 * 150, 0f); // filter 3 of conv2 (6*5*5 = 150 weights)
            model.parameter("conv2", "weight").setValue(Engines.create(model.manager(), values, w.getShape()));
            float[] bias = model.parameter("conv2", "bias").value().toFloatArray();
            bias[3] = 0;
            model.parameter("conv2", "bias").setValue(Engines.create(model.manager(), bias, new Shape(16)));
            // fc1's input columns for channel 3 too: magnitude counts every slice the channel owns
            var fc1 = model.parameter("fc1", "weight").value();
            float[] fw = fc1.toFloatArray();
            for (int row = 0; row < 120; row++) {
                java.util.Arrays.fill(fw, row * 400 + 75, row * 400 + 100, 0f);
            }
            model.parameter("fc1", "weight").setValue(Engines.create(model.manager(), fw, fc1.getShape()));
            Group g = DependencyGraph.of(model.graph()).groupOf("conv2");
            float[] scores = ChannelCriteria.create("l1", 0).score(model, g);
            assertThat(scores[3]).isZero();
            for (int k = 0; k < scores.length; k++) {
                if (k != 3) {
                    assertThat(scores[k]).isPositive();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"macs=1000x", "params=5000x"})
    void anUnreachableTargetNamesTheBestPossibleAndChangesNothing(String target) {
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse(target))
                    .build().prune(model, null)).hasMessageContaining(target).hasMessageContaining("the most this model allows");
            assertThat(model.graph()).isSameAs(RESNET);
        }
    }

    @Test
    void badNamesAndValuesAreRejectedWithWhatIsAllowed() {
        assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("hessian").setTarget(PruningTarget.parse("ratio=0.5")).build())
                .hasMessageContaining("hessian").hasMessageContaining("taylor");
        assertThatThrownBy(() -> PruningTarget.parse("ratio=1.5")).hasMessageContaining("(0, 1)").hasMessageContaining("1.5");
        assertThatThrownBy(() -> PruningTarget.parse("ratio=0")).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> PruningTarget.parse("macs=0.5x")).hasMessageContaining("above 1x");
        assertThatThrownBy(() -> PruningTarget.parse("speed=2x")).hasMessageContaining("speed");
        assertThatThrownBy(() -> org.prune4j.pruning.allocation.Allocations.create("local"))
                .hasMessageContaining("uniform, global, sensitivity");
        assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.5"))
                .optLayerRatios(Map.of("fc", 1.0)).build()).hasMessageContaining("'fc'");
        try (Model model = Model.builder().setGraph(RESNET).build()) {
            assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("taylor").setTarget(PruningTarget.parse("ratio=0.5"))
                    .build().prune(model, null)).hasMessageContaining("calibration");
            assertThatThrownBy(() -> StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("ratio=0.5"))
                    .optIgnoredLayers(Set.of("conv99")).build().prune(model, null)).hasMessageContaining("conv99");
        }
    }
}
