package org.prune4j.pruning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.prune4j.criterion.Calibration;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Node;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.List;
import java.util.Map;

@Tag("engine-paths")   // rerun under every oneDNN instruction-set cap (prune4j-parent pom)
class EigenDamageTest {

    private static final ImageDataset IMAGES =
            SyntheticImages.builder().setNumSamples(32).setShape(1, 28, 28).setNumClasses(10).build();
    private static final Calibration DATA =
            new Calibration(DataLoader.builder().setDataset(IMAGES).setBatchSize(16).build(), 2);

    /** Every conv and linear layer but the last, in its Kronecker-factored eigenbasis, nothing removed: the same outputs. */
    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet20"})
    void theReparameterizedUnprunedModelComputesWhatTheOriginalDid(String name) {
        try (Model model = Model.builder().setGraph(ModelZoo.build(name, ZooOptions.fashionMnist())).optSeed(3).build()) {
            List<Node> layers = EigenDamage.layers(model.graph());
            Map<String, EigenDamage.Factors> factors = EigenDamage.factors(model, layers, DATA);
            try (Model reparameterized = EigenDamage.reparameterize(model, factors, 0);
                    NDManager scope = model.manager().newSubManager()) {
                assertThat(reparameterized.graph().nodes()).hasSize(model.graph().nodes().size() + 2 * layers.size());
                NDArray x = DataLoader.builder().setDataset(IMAGES).setBatchSize(16).build().epoch(0).iterator().next()
                        .toNDList(scope).get(0);
                float[] expected = model.forward(x, false).toFloatArray();
                float[] actual = reparameterized.forward(x, false).toFloatArray();
                double scale = 0;
                for (float v : expected) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertThat((double) actual[i]).as("logit %d", i)
                            .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, scale)));
                }
                // honest counts: unpruned, the extra 1x1 layers cost MACs and parameters
                assertThat(ModelSummary.of(reparameterized.graph()).macs()).isGreaterThan(ModelSummary.of(model.graph()).macs());
            }
        }
    }

    /** The pruner meets a MAC budget with the 1x1 basis changes counted, and the model still computes. */
    @Test
    void pruningInTheEigenbasisMeetsAMacBudgetCountingTheBasisChanges() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(3).build();
                NDManager scope = model.manager().newSubManager()) {
            long before = ModelSummary.of(model.graph()).macs();
            PruningMethod ed = EigenDamagePruner.builder().setTarget(PruningTarget.parse("macs=2x")).build();
            try (PruningMethod.Pruning p = ed.begin(model, DATA)) {
                PruningStep step = p.pruneTo(Progress.done(), null);
                assertThat(step.macsAfter()).isLessThanOrEqualTo(before / 2);
            }
            assertThat(ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(before / 2);
            assertThat(model.graph().nodes()).anyMatch(n -> n.name().equals("conv2.kfe"));
            NDArray x = DataLoader.builder().setDataset(IMAGES).setBatchSize(16).build().epoch(0).iterator().next()
                    .toNDList(scope).get(0);
            NDArray y = model.forward(x, false);
            y.attach(scope);
            assertThat(y.getShape().get(1)).isEqualTo(10);
            for (float v : y.toFloatArray()) {
                assertThat(v).isFinite();
            }
            assertThat(model.provenance().toString()).contains("eigendamage");
        }
    }

    @Test
    void withoutCalibrationDataItSaysWhatIsMissing() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(3).build()) {
            assertThatThrownBy(() -> EigenDamagePruner.builder().setTarget(PruningTarget.parse("ratio=0.5")).build()
                    .begin(model, null)).hasMessageContaining("calibration data").hasMessageContaining("--data");
        }
    }
}
