package org.prune4j.gating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.Group;
import org.prune4j.gating.ChannelGating.Mode;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.Pool2dOp;
import org.prune4j.lottery.WeightSnapshot;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

class ChannelGatingTest {

    private static Graph convNet() {
        return Graph.builder().setInput("x", new Shape(3, 8, 8))
                .add("conv1", Conv2dOp.builder().setOutChannels(6).setKernel(3).optPadding(1).build(), "x")
                .add("bn1", new BatchNormOp(), "conv1").add("relu1", ActivationOp.relu(), "bn1")
                .add("conv2", Conv2dOp.builder().setOutChannels(8).setKernel(3).optPadding(1).build(), "relu1")
                .add("bn2", new BatchNormOp(), "conv2").add("relu2", ActivationOp.relu(), "bn2")
                .add("pool", Pool2dOp.max(2, 2), "relu2").add("flat", new FlattenOp(), "pool")
                .add("fc1", new LinearOp(10), "flat").add("relu3", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(3), "relu3").setOutput("fc2").build();
    }

    private static DataLoader data(int samples, int c, int h, int w) {
        return DataLoader.builder().setDataset(SyntheticImages.builder().setNumSamples(samples).setShape(c, h, w)
                .setNumClasses(3).optSeed(5).build()).setBatchSize(16).build();
    }

    private static NDArray firstBatch(DataLoader data, NDManager m) {
        Batch b = data.epoch(0).iterator().next();
        return b.toNDList(m).get(0);
    }

    @Test
    void gatedMacsPerSampleEqualTheMacsOfAModelPhysicallyComputingOnlyThatSamplesChannels() {
        DataLoader data = data(64, 3, 8, 8);
        try (Model model = Model.builder().setGraph(convNet()).optSeed(1).build();
                NDManager m = model.manager().newSubManager()) {
            ChannelGating gating = ChannelGating.builder().setModel(model).setData(data).optKeep(0.5).build();
            assertThat(gating.layers()).extracting(l -> l.group().root()).containsExactly("conv1", "conv2", "fc1");
            NDArray x = firstBatch(data, m);
            ChannelGating.GatedBatch gated = gating.forward(x, Mode.HEBBIAN);
            float[] logits = gated.logits().toFloatArray();
            WeightSnapshot weights = WeightSnapshot.of(model);
            for (int s = 0; s < 6; s++) {
                try (Model computesOnlyItsChannels = Model.builder().setGraph(model.graph()).build()) {
                    weights.restore(computesOnlyItsChannels);
                    Map<Group, int[]> off = new HashMap<>();
                    for (int i = 0; i < gating.layers().size(); i++) {
                        Set<Integer> on = new HashSet<>();
                        Arrays.stream(gated.on(i, s)).forEach(on::add);
                        off.put(gating.layers().get(i).group(), IntStream.range(0, gating.layers().get(i).channels())
                                .filter(c -> !on.contains(c)).toArray());
                    }
                    ChannelRemoval.remove(computesOnlyItsChannels, off, null);
                    float[] own = computesOnlyItsChannels.forward(x.get(new NDIndex(s + ":" + (s + 1))), false).toFloatArray();
                    for (int c = 0; c < own.length; c++) {
                        assertThat(own[c]).as("sample %d class %d", s, c).isCloseTo(logits[s * own.length + c], Offset.offset(1e-5f));
                    }
                    long computed = ModelSummary.of(computesOnlyItsChannels.graph()).macs();
                    assertThat(gating.executedMacs(gated.kept(s))).as("sample %d", s).isEqualTo(computed);
                    assertThat(computed).isLessThan(gating.denseMacs());
                }
            }
        }
    }

    @Test
    void theGatesDependOnTheInputAndKeepExactlyKChannelsWhileStaticGatesAreTheSameForEveryInput() {
        DataLoader data = data(64, 3, 8, 8);
        try (Model model = Model.builder().setGraph(convNet()).optSeed(2).build();
                NDManager m = model.manager().newSubManager()) {
            ChannelGating gating = ChannelGating.builder().setModel(model).setData(data).optKeep(0.5).build();
            NDArray x = firstBatch(data, m);
            ChannelGating.GatedBatch hebbian = gating.forward(x, Mode.HEBBIAN);
            ChannelGating.GatedBatch fixed = gating.forward(x, Mode.STATIC);
            Set<String> hebbianMasks = new HashSet<>();
            for (int s = 0; s < 16; s++) {
                assertThat(hebbian.kept(s)).containsExactly(3, 4, 5);
                assertThat(fixed.on(1, s)).containsExactly(fixed.on(1, 0));
                hebbianMasks.add(Arrays.toString(hebbian.on(1, s)) + Arrays.toString(hebbian.on(2, s)));
            }
            assertThat(hebbianMasks).as("distinct per-input masks of conv2 and fc1").hasSizeGreaterThan(1);
        }
    }

    @Test
    void whenALayersActivationIsLinearInItsInputTheHebbianPredictionPicksTheOraclesChannels() {
        Graph g = Graph.builder().setInput("x", new Shape(6, 1, 1)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(8), "flat").add("relu1", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(3), "relu1").setOutput("fc2").build();
        DataLoader data = data(96, 6, 1, 1);
        try (Model model = Model.builder().setGraph(g).optSeed(3).build();
                NDManager m = model.manager().newSubManager()) {
            model.parameter("fc1", "bias").setValue(model.manager().ones(new Shape(8)).mul(20)); // ReLU is the identity
            ChannelGating gating = ChannelGating.builder().setModel(model).setData(data).optKeep(0.25).optRidge(1e-9).build();
            NDArray x = firstBatch(data, m);
            ChannelGating.GatedBatch hebbian = gating.forward(x, Mode.HEBBIAN);
            ChannelGating.GatedBatch oracle = gating.forward(x, Mode.ORACLE);
            Set<String> masks = new HashSet<>();
            for (int s = 0; s < 16; s++) {
                assertThat(hebbian.on(0, s)).as("sample %d", s).containsExactly(oracle.on(0, s));
                masks.add(Arrays.toString(oracle.on(0, s)));
            }
            assertThat(masks).hasSizeGreaterThan(1);
        }
    }

    @Test
    void evaluationReportsTheMeanExecutedMacsBelowTheDenseOnesAndThePredictorsCost() {
        DataLoader data = data(32, 3, 8, 8);
        try (Model model = Model.builder().setGraph(convNet()).optSeed(4).build()) {
            ChannelGating gating = ChannelGating.builder().setModel(model).setData(data).optKeep(0.5).build();
            GatingEvaluation e = gating.evaluate(data, Mode.HEBBIAN);
            assertThat(e.samples()).isEqualTo(32);
            assertThat(e.executedMacsPerSample()).isEqualTo(gating.executedMacs(new int[] {3, 4, 5}));
            assertThat(e.predictorMacs()).isEqualTo(3 * 6 + 6 * 8 + 8 * 4 * 4 * 10);
            assertThat(e.executedMacsPerSample()).isLessThan(e.denseMacs());
            assertThat(gating.evaluate(data, Mode.STATIC).predictorMacs()).isZero();
        }
    }

    @Test
    void onlyTheFirstConvolutionOfEachResidualBlockCanBeGated() {
        Graph resnet = ModelZoo.build("resnet20", new ZooOptions(1, 28, 10, 0.25));
        List<ChannelGating.Candidate> gated = ChannelGating.candidates(resnet, null);
        assertThat(gated).hasSize(9);
        for (ChannelGating.Candidate c : gated) {
            assertThat(resnet.consumersOf(c.gateNode())).allMatch(n -> n.op() instanceof Conv2dOp);
        }
    }

    @Test
    void badKeepOrAnUngateableLayerIsRejectedWithTheReason() {
        DataLoader data = data(16, 3, 8, 8);
        try (Model model = Model.builder().setGraph(convNet()).build()) {
            assertThatThrownBy(() -> ChannelGating.builder().setModel(model).setData(data).optKeep(0).build())
                    .hasMessageContaining("keep must be in (0, 1], got 0.0");
            assertThatThrownBy(() -> ChannelGating.builder().setModel(model).setData(data).optKeep(1.5).build())
                    .hasMessageContaining("got 1.5");
            assertThatThrownBy(() -> ChannelGating.builder().setModel(model).setData(data).optLayers(List.of("fc2")).build())
                    .hasMessageContaining("layer 'fc2' cannot be gated: it is not a conv or linear layer whose channels can be removed");
            assertThatThrownBy(() -> ChannelGating.builder().setModel(model).setData(data).optLayers(List.of("bn1")).build())
                    .hasMessageContaining("layer 'bn1' cannot be gated");
            assertThatThrownBy(() -> ChannelGating.builder().setModel(model).setData(data).optLayers(List.of("conv1", "relu1")).build())
                    .hasMessageContaining("layer 'relu1' cannot be gated");
        }
    }
}
