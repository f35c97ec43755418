package org.prune4j.pruning.regime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;

import org.junit.jupiter.api.Test;
import org.prune4j.dependency.Group;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.data.SyntheticImages;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.pruning.PruningResult;
import org.prune4j.pruning.PruningRun;
import org.prune4j.train.DataSplits;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.EigenDamagePruner;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Each regime's defining mechanism, on a small residual network and 64 synthetic images. */
class RegimesTest {

    /** Conv-BN-ReLU stem, one residual block, a strided conv, pooling and a classifier: on 1×12×12 inputs. */
    static final Graph RESNET = residualNet();

    private static Graph residualNet() {
        Graph.Builder b = Graph.builder().setInput("input", new ai.djl.ndarray.types.Shape(1, 12, 12));
        String x = convBnRelu(b, "stem", "input", 8, 1, true);
        String h = convBnRelu(b, "block.conv1", x, 8, 1, true);
        h = convBnRelu(b, "block.conv2", h, 8, 1, false);
        b.add("block.add", new AddOp(), h, x).add("block.relu", ActivationOp.relu());
        convBnRelu(b, "down", "block.relu", 16, 2, true);
        return b.add("gap", new GlobalAvgPoolOp()).add("fc", new LinearOp(10)).build();
    }

    private static String convBnRelu(Graph.Builder b, String name, String input, int out, int stride, boolean relu) {
        b.add(name + ".conv", Conv2dOp.builder().setOutChannels(out).setKernel(3).optStride(stride).optPadding(1)
                .optBias(false).build(), input).add(name + ".bn", new BatchNormOp());
        if (relu) {
            b.add(name + ".relu", ActivationOp.relu());
        }
        return b.last();
    }

    private static StructuredPruner pruner(String criterion, String allocation) {
        return StructuredPruner.builder().setCriterion(criterion).setTarget(PruningTarget.parse("macs=2x"))
                .optAllocation(allocation).build();
    }

    private static Model model() {
        return Model.builder().setGraph(RESNET).optSeed(1).build();
    }

    /** Whether the final model meets the budget: half the MACs. */
    private static void assertMeetsBudget(Model model) {
        assertThat(ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(ModelSummary.of(RESNET).macs() / 2);
    }

    @Test
    void incRegDrivesExactlyTheChannelsTheMethodRemovesToZero() {
        try (Model model = model()) {
            StructuredPruner pruner = pruner("l1", "uniform");
            RegimeSession session = new RegimeSession(model, pruner, 0.01, 0);
            IncRegRegime regime = new IncRegRegime(new RegimeOptions(8, 20, 1));
            IncRegRegime.Penalty[] penalty = new IncRegRegime.Penalty[1];
            List<double[]> norms = new ArrayList<>();
            session.beforeFinalPrune = plan -> {
                boolean[] chosen = penalty[0].slicing.chosen(plan);
                double[] n = penalty[0].slicing.squaredNorms();
                double[] lambda = penalty[0].lambda();
                double maxRemoved = 0;
                double minKept = Double.MAX_VALUE;
                for (int c = 0; c < chosen.length; c++) {
                    if (chosen[c]) {
                        maxRemoved = Math.max(maxRemoved, n[c]);
                        assertThat(lambda[c]).as("channel %d, removed, had its factor raised to the ceiling", c)
                                .isEqualTo(20.0);
                    } else {
                        minKept = Math.min(minKept, n[c]);
                        assertThat(lambda[c]).as("channel %d is kept", c).isLessThan(20.0);
                    }
                }
                norms.add(new double[] {maxRemoved, minKept});
            };
            new SteeringRun(regime, session, l -> penalty[0] = (IncRegRegime.Penalty) l).run();
            assertThat(norms).hasSize(1);
            assertThat(norms.get(0)[0]).as("largest squared norm of a removed channel")
                    .isLessThan(1e-3 * norms.get(0)[1]);
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
            assertMeetsBudget(model);
        }
    }

    @Test
    void sppPrunesForGoodExactlyTheChannelsTheMethodRemovesAndRestoresDroppedOnes() {
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("l1", "uniform"), 0.01, 0);
            SppRegime regime = new SppRegime(new RegimeOptions(3, Double.NaN, 1), 7);
            SppRegime.Sampling[] sampling = new SppRegime.Sampling[1];
            session.beforeFinalPrune = plan -> {
                boolean[] chosen = sampling[0].slicing.chosen(plan);
                double[] p = sampling[0].probabilities();
                double[] n = sampling[0].slicing.squaredNorms();
                for (int c = 0; c < chosen.length; c++) {
                    assertThat(p[c] >= 1).as("channel %d pruned for good iff the method removes it", c)
                            .isEqualTo(chosen[c]);
                    if (chosen[c]) {
                        assertThat(n[c]).as("channel %d", c).isZero();
                    } else {
                        assertThat(n[c]).as("channel %d", c).isPositive();
                    }
                }
            };
            new SteeringRun(regime, session, l -> sampling[0] = (SppRegime.Sampling) l).run();
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
            assertMeetsBudget(model);
        }
    }

    @Test
    void aChannelDroppedForOneBatchGetsItsWeightsBackAfterTheUpdate() {
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("l1", "uniform"), 0.01, 0);
            SppRegime.Sampling s = new SppRegime.Sampling(session, 0.5, 11);
            s.start(model, 1, 4); // one update at start: chosen channels at p = 0.5, then a mask is sampled
            Map<Parameter, float[]> before = new java.util.HashMap<>();
            s.slicing.parameters().forEach(p -> before.put(p, p.value().toFloatArray()));
            // the sampled mask zeroed the dropped channels; an "update" moves every weight by 1
            s.slicing.parameters().forEach(p -> p.value().addi(1));
            double[] p = s.probabilities();
            s.unmask();
            double[] keep = new double[p.length];
            java.util.Arrays.fill(keep, 1);
            int dropped = 0;
            for (Parameter param : s.slicing.parameters()) {
                float[] now = param.value().toFloatArray();
                float[] was = before.get(param);
                for (int e = 0; e < now.length; e++) {
                    if (was[e] == 0 && now[e] != 1f) { // a dropped element: back to its value before the batch
                        dropped++;
                    }
                }
            }
            assertThat(dropped).as("elements of dropped channels restored").isPositive();
            assertThat(java.util.Arrays.stream(p).filter(x -> x == 0.5).count()).isPositive();
        }
    }

    @Test
    void smcpRevivesAChannelWhoseDenseWeightsArePushedBackUp() {
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("l1", "global"), 0.01, 0);
            SmcpRegime.SoftMask mask = new SmcpRegime.SoftMask(session);
            mask.start(model, 1, 4);
            boolean[] masked = mask.masked();
            int c = firstTrue(masked);
            assertThat(c).as("some channel is masked").isNotNegative();
            // the model's readers of channel c are zero, the dense copy keeps them
            assertThat(readerNorm(mask, model, c, false)).isZero();
            assertThat(readerNorm(mask, model, c, true)).isPositive();
            // push the dense readers of c up (as gradient updates would): the next mask keeps c
            double[] scale = new double[masked.length];
            java.util.Arrays.fill(scale, 1);
            scale[c] = 1000;
            mask.slicing.perElement(scale, 1f, ChannelSlicing.Overlap.SMALLEST).forEach((param, f) -> {
                mask.dense(param).muli(f);
                f.close();
            });
            mask.steer();
            assertThat(mask.masked()[c]).isFalse();
            assertThat(mask.revived()).isGreaterThanOrEqualTo(1);
            assertThat(readerNorm(mask, model, c, false)).as("c reads its dense weights again").isPositive();
        }
    }

    @Test
    void smcpTrainsTheDenseCopyOfMaskedReadersAndRemovesExactlyItsLastMask() {
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("l1", "global"), 0.05, 0);
            SmcpRegime.SoftMask[] mask = new SmcpRegime.SoftMask[1];
            session.beforeFinalPrune = plan -> assertThat(mask[0].slicing.chosen(plan)).isEqualTo(mask[0].masked());
            new SteeringRun(new SmcpRegime(new RegimeOptions(2, Double.NaN, 1)), session,
                    l -> mask[0] = (SmcpRegime.SoftMask) l).run();
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
            assertMeetsBudget(model);
        }
    }

    @Test
    void slimmingShrinksBatchNormScalesAndMultiPassPrunesOncePerPass() {
        double plain;
        try (Model model = model()) {
            new RegimeSession(model, pruner("bn-scale", "global"), 0.05, 0).fineTune(2);
            plain = gammaL1(model);
        }
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("bn-scale", "global"), 0.05, 1);
            SlimmingRegime regime = new SlimmingRegime(new RegimeOptions(2, 0.05, 2));
            List<Double> l1 = new ArrayList<>();
            session.beforeFinalPrune = plan -> l1.add(gammaL1(model));
            regime.run(session);
            assertThat(session.calls).containsExactly("train 2", "prune 0.5", "train 1", "train 2", "prune 1.0",
                    "train 1");
            assertThat(regime.regimeEpochs()).isEqualTo(4);
            assertMeetsBudget(model);
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
        }
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("bn-scale", "global"), 0.05, 0);
            List<Double> l1 = new ArrayList<>();
            session.beforeFinalPrune = plan -> l1.add(gammaL1(model));
            new SlimmingRegime(new RegimeOptions(2, 0.2, 1)).run(session);
            assertThat(l1.get(0)).as("Σ|γ| after 2 epochs with the penalty, against %s without", plain)
                    .isLessThan(0.8 * plain);
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
        }
    }

    /** The same criterion, training and pruning, with and without AP: AP leaves fewer ReLU outputs at zero. */
    @Test
    void apLowersTheDynamicDeadNeuronRateAgainstTheSameCriterionWithoutIt() {
        double[] rate = new double[2];
        for (int i = 0; i < 2; i++) {
            try (Model model = model()) {
                RegimeSession session = new RegimeSession(model, pruner("l1", "global"), 0.05, 1);
                new ActivatingRegime(new RegimeOptions(2, 0.5, 2), i == 0).run(session);
                assertThat(session.calls).containsExactly("train 2", "prune 0.5", "train 2", "prune 1.0", "train 1");
                assertMeetsBudget(model);
                assertThat(session.prunedVsMasked).isLessThan(1e-5);
                rate[i] = ActivatingRegime.Activation.measure(model, session.calibration()).dynamicDeadRate();
            }
        }
        assertThat(rate[0]).as("with AP, against %s without", rate[1]).isLessThan(rate[1] - 0.02);
    }

    /** At high temperature the Gibbs masks are nearly random; as it falls they become each group's lowest-energy channels. */
    @Test
    void gibbsProbabilitiesDropTheMethodsCountOnAverageAndFreezeAsTheTemperatureFalls() {
        double[] energy = {4, 1, 9, 0.5, 2, 6};
        for (double t : new double[] {10, 1, 0.01}) {
            double[] p = GibbsRegime.dropProbabilities(energy, 3.75, 2, t);
            assertThat(java.util.Arrays.stream(p).sum()).as("T = %s", t).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-6));
            for (int i = 0; i < p.length; i++) {
                for (int j = 0; j < p.length; j++) {
                    if (energy[i] < energy[j]) {
                        assertThat(p[i]).as("lower energy, dropped more often").isGreaterThanOrEqualTo(p[j]);
                    }
                }
            }
        }
        double[] hot = GibbsRegime.dropProbabilities(energy, 3.75, 2, 10);
        for (double x : hot) {
            assertThat(x).as("nearly random at T = 10").isBetween(0.25, 0.45);
        }
        double[] cold = GibbsRegime.dropProbabilities(energy, 3.75, 2, 0.01);
        assertThat(cold).containsExactly(new double[] {0, 1, 0, 1, 0, 0}, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(GibbsRegime.dropProbabilities(energy, 3.75, 0, 1)).containsOnly(0.0);
    }

    @Test
    void gibbsEndsWithTheMethodsChannelsAtZeroAndAColdTemperature() {
        try (Model model = model()) {
            RegimeSession session = new RegimeSession(model, pruner("l1", "uniform"), 0.01, 0);
            GibbsRegime.Annealed[] annealed = new GibbsRegime.Annealed[1];
            session.beforeFinalPrune = plan -> {
                assertThat(annealed[0].temperature()).isLessThan(0.01);
                boolean[] chosen = annealed[0].slicing.chosen(plan);
                double[] n = annealed[0].slicing.squaredNorms();
                for (int c = 0; c < chosen.length; c++) {
                    if (chosen[c]) {
                        assertThat(n[c]).as("channel %d", c).isZero();
                    }
                }
            };
            new SteeringRun(new GibbsRegime(new RegimeOptions(2, Double.NaN, 1), 5), session,
                    l -> annealed[0] = (GibbsRegime.Annealed) l).run();
            assertThat(session.prunedVsMasked).isLessThan(1e-5);
            assertMeetsBudget(model);
        }
    }

    @Test
    void theMicroBlockProjectionUnifiesEveryBlockAndZeroesTheSmallest() {
        float[][] w = {{1, 2, 3, 4, -8, -8, -8, -9, 0.1f, 0.2f}, {0.5f, -0.5f, 0.3f, 0.1f, 5, 6}};
        float[][] p = new MicroBlocks(4).project(w, new int[] {1, 2}, 4);
        // tensor 0, one row of 10: blocks [1,2,3,4] [-8,-8,-8,-9] [0.1,0.2]; tensor 1, two rows of 3: [.5,-.5,.3] [.1,5,6]
        assertThat(p[0]).containsExactly(2.5f, 2.5f, 2.5f, 2.5f, -8.25f, -8.25f, -8.25f, -8.25f, 0, 0);
        assertThat(p[1]).containsExactly(0, 0, 0, 11.1f / 3, 11.1f / 3, 11.1f / 3);
    }

    /** ADMM pulls the weights toward the unified set while training, and the regime ends exactly on it. */
    @Test
    void admmUnificationEndsWithEveryBlockExactlyUnified() {
        try (Model model = model()) {
            List<Parameter> weights = org.prune4j.sparsity.PrunableWeights.of(model, false);
            long size = weights.stream().mapToLong(w -> w.value().size()).sum();
            UnifyRegime.Admm admm = new UnifyRegime.Admm(weights, new MicroBlocks(4), size / 2, 2);
            TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optBatchSize(16).optLearningRate(0.05)
                    .optLrSchedule("constant").setEpochs(10).build();
            org.prune4j.train.Trainer.fit(model, recipe, RegimeSession.DATA, List.of(admm));
            assertThat(admm.distances.get(admm.distances.size() - 1)).as("‖W − Z‖ / ‖W‖ at the end, from %s",
                    admm.distances.get(0)).isLessThan(0.25 * admm.distances.get(0));
            admm.projectWeights();
            long zeros = 0;
            for (Parameter w : weights) {
                float[] v = w.value().toFloatArray();
                int row = v.length / (int) w.value().getShape().get(0);
                for (int start = 0; start < v.length; start += row) {
                    for (int b = start; b < start + row; b += 4) {
                        for (int i = b; i < Math.min(b + 4, start + row); i++) {
                            assertThat(v[i]).as("%s block at %d", w.fullName(), b).isEqualTo(v[b]);
                            zeros += v[i] == 0 ? 1 : 0;
                        }
                    }
                }
            }
            assertThat(zeros).isBetween(size / 2, size / 2 + 3);
        }
        var images = SyntheticImages.builder().setShape(1, 12, 12).setNumClasses(10);
        DataSplits data = new DataSplits("synthetic-12", images.setNumSamples(64).build(), images.setNumSamples(32).build());
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optBatchSize(16).setEpochs(1).build();
        PruningResult r = PruningRun.builder().setReference(RegimesTest::model).setData(data)
                .setMethod(org.prune4j.sparsity.UnstructuredPruner.builder().setMethod("global-magnitude")
                        .setCompression(3).build())
                .setSchedule(Regimes.create("unify", new RegimeOptions(1, Double.NaN, 1), 0)).setFineTune(recipe, 1)
                .optCalibrationBatches(1).optMeasureLatency(false).build().run(m -> {
                    for (Parameter w : org.prune4j.sparsity.PrunableWeights.of(m, false)) {
                        float[] v = w.value().toFloatArray();
                        int row = v.length / (int) w.value().getShape().get(0);
                        for (int i = 0; i < v.length; i++) {
                            int blockStart = i - (i % row) % 4;
                            assertThat(v[i]).as("after fine-tuning, %s[%d]", w.fullName(), i).isEqualTo(v[blockStart]);
                        }
                    }
                });
        assertThat(r.compression()).isGreaterThanOrEqualTo(2.99);
        assertThatThrownBy(() -> Regimes.create("unify", RegimeOptions.defaults(), 0).check(pruner("l1", "global")))
                .hasMessageContaining("regime 'unify' unifies micro-blocks of weights: use an unstructured method with a "
                        + "compression");
    }

    /**
     * The mask variables' gradient through the unit step is the dense gradient of the masked
     * network times the weight (identity straight-through), and a disconnected weight keeps its value.
     */
    @Test
    void sclPassesTheDenseGradientStraightThroughTheUnitStepAndFreezesDisconnectedWeights() {
        try (Model model = model(); Model reference = model()) {
            List<Parameter> weights = org.prune4j.sparsity.PrunableWeights.of(model, false);
            SclRegime.Connectivity c = new SclRegime.Connectivity(weights, 0.2);
            c.begin();
            float[] s0 = c.maskVariables(0).toFloatArray();
            for (int i = 0; i < s0.length; i += 2) {
                s0[i] = -1; // every other connection of the first layer off
            }
            c.maskVariables(0).set(java.nio.FloatBuffer.wrap(s0));
            c.applyMasks();
            float[] dense0 = c.denseWeights(0).toFloatArray();
            // the reference network holds the masked weights ŵ as plain weights
            model.parameters().forEach(p -> reference.parameter(p.node(), p.name()).value().set(
                    java.nio.FloatBuffer.wrap(p.value().toFloatArray())));
            backward(model);
            backward(reference);
            float[] expected = reference.parameter(weights.get(0).node(), weights.get(0).name()).value().getGradient()
                    .toFloatArray();
            float[] through = c.rawMaskGradient(0).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(through[i]).as("∂L/∂s[%d]", i).isCloseTo(expected[i] * dense0[i],
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
            // an update moves every weight of the model; only the connected ones keep it
            weights.get(0).value().addi(1);
            c.absorbUpdate();
            c.applyMasks();
            float[] dense = c.denseWeights(0).toFloatArray();
            float[] w = weights.get(0).value().toFloatArray();
            for (int i = 0; i < dense.length; i++) {
                if (i % 2 == 0) {
                    assertThat(dense[i]).as("disconnected %d keeps its value", i).isEqualTo(dense0[i]);
                    assertThat(w[i]).isZero();
                } else {
                    assertThat(dense[i]).as("connected %d takes the update", i).isEqualTo(dense0[i] + 1);
                }
            }
        }
    }

    private static void backward(Model model) {
        try (ai.djl.ndarray.NDManager step = model.manager().newSubManager()) {
            var batch = RegimeSession.DATA.epoch(0).iterator().next().toNDList(step);
            try (var gc = org.prune4j.engine.Engines.get().newGradientCollector()) {
                gc.backward(org.prune4j.train.Loss.crossEntropy(model.forward(batch.get(0), false), batch.get(1)));
            }
        }
    }

    @Test
    void sclLearnsToDisconnectUnderItsCountPenaltyAndEndsAtTheMethodsBudget() {
        var images = SyntheticImages.builder().setShape(1, 12, 12).setNumClasses(10);
        DataSplits data = new DataSplits("synthetic-12", images.setNumSamples(64).build(), images.setNumSamples(32).build());
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optBatchSize(16).setEpochs(1).build();
        double[] density = new double[1];
        PruningResult r = PruningRun.builder().setReference(RegimesTest::model).setData(data)
                .setMethod(org.prune4j.sparsity.UnstructuredPruner.builder().setMethod("global-magnitude")
                        .setCompression(4).build())
                .setSchedule(new SclRegime(new RegimeOptions(2, 20, 1))).setFineTune(recipe, 1).optCalibrationBatches(1).optMeasureLatency(false)
                .optListener(new org.prune4j.train.listener.TrainingListener() {
                    @Override
                    public void onTrainingEnd(org.prune4j.train.TrainingContext context) {
                        density[0] = density[0] == 0 ? nonZeroShare(context.model()) : density[0];
                    }
                }).build().run(m -> {});
        assertThat(density[0]).as("share of prunable weights still connected after the regime").isLessThan(0.9);
        assertThat(r.compression()).isGreaterThanOrEqualTo(3.99);
    }

    private static double nonZeroShare(Model model) {
        long on = 0;
        long all = 0;
        for (Parameter w : org.prune4j.sparsity.PrunableWeights.of(model, false)) {
            for (float v : w.value().toFloatArray()) {
                on += v != 0 ? 1 : 0;
            }
            all += w.value().size();
        }
        return on / (double) all;
    }

    @Test
    void aRegimeRunRecordsEveryEpochItTrainedAndADataFreeRegimeRunIsRefused() {
        var images = SyntheticImages.builder().setShape(1, 12, 12).setNumClasses(10);
        DataSplits data = new DataSplits("synthetic-12", images.setNumSamples(64).build(), images.setNumSamples(32).build());
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optBatchSize(16).setEpochs(1).build();
        PruningResult r = PruningRun.builder().setReference(RegimesTest::model).setData(data)
                .setMethod(pruner("l1", "global")).setSchedule(Regimes.create("spp", new RegimeOptions(2, 0.5, 1), 3))
                .setFineTune(recipe, 1).optCalibrationBatches(1).optMeasureLatency(false).build().run(m -> {});
        assertThat(r.provenance().settings()).containsEntry("schedule", "spp").containsEntry("trainingEpochs", 3)
                .containsEntry("regimeEpochs", 2);
        assertThat(r.macReduction()).isGreaterThanOrEqualTo(2.0);
        var dataFree = PruningRun.builder().setReference(RegimesTest::model).setDataFree()
                .setMethod(pruner("l1", "global")).setSchedule(Regimes.create("increg", RegimeOptions.defaults(), 0))
                .setFineTune(recipe, 0);
        assertThatThrownBy(dataFree::build).hasMessageContaining("regime 'increg' prunes while it trains, which a "
                + "data-free run cannot");
    }

    @Test
    void aRegimeRefusesAMethodItCannotSteerBeforeAnyTraining() {
        var eigen = EigenDamagePruner.builder().setTarget(PruningTarget.parse("macs=2x")).build();
        assertThatThrownBy(() -> Regimes.create("increg", RegimeOptions.defaults(), 0).check(eigen))
                .hasMessageContaining("regime 'increg' steers the channels a structured criterion would remove");
        assertThatThrownBy(() -> Regimes.create("slimming", RegimeOptions.defaults(), 0).check(pruner("l1", "global")))
                .hasMessageContaining("use --criterion bn-scale (got 'l1')");
        assertThatThrownBy(() -> Regimes.create("anneal", RegimeOptions.defaults(), 0))
                .hasMessageContaining("unknown regime 'anneal'; known are [slimming, increg, spp, smcp");
        assertThatThrownBy(() -> new RegimeOptions(0, Double.NaN, 1)).hasMessageContaining("at least 1 epoch");
    }

    private static double gammaL1(Model model) {
        double sum = 0;
        for (Node n : model.graph().nodes()) {
            if (n.op() instanceof BatchNormOp) {
                try (NDArray a = model.parameter(n.name(), "weight").value().abs(); NDArray s = a.sum()) {
                    sum += s.getFloat();
                }
            }
        }
        return sum;
    }

    private static int firstTrue(boolean[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The L1 norm of the weights reading channel {@code c}: in the model, or in the dense copy. */
    private static double readerNorm(SmcpRegime.SoftMask mask, Model model, int c, boolean dense) {
        double[] one = new double[mask.slicing.count()];
        one[c] = 1;
        double sum = 0;
        for (Map.Entry<Parameter, NDArray> e : mask.slicing.perElement(one, 0f, ChannelSlicing.Overlap.SMALLEST).entrySet()) {
            NDArray w = dense ? mask.dense(e.getKey()) : e.getKey().value();
            try (NDArray owned = w.mul(e.getValue()).abs(); NDArray s = owned.sum()) {
                sum += s.getFloat();
            }
            e.getValue().close();
        }
        return sum;
    }

    /** Runs a steering regime through the session, handing its listener to the test when training starts. */
    private record SteeringRun(SteeringRegime regime, RegimeSession session,
            java.util.function.Consumer<SteeringRegime.Steering> onListener) {
        void run() {
            regime.run(new org.prune4j.pruning.PruningSession() {
                @Override
                public void pruneTo(org.prune4j.pruning.Progress progress, org.prune4j.model.ParameterState state) {
                    session.pruneTo(progress, state);
                }

                @Override
                public void fineTune(int epochs, org.prune4j.train.listener.TrainingListener... during) {
                    for (var l : during) {
                        if (l instanceof SteeringRegime.Steering s) {
                            onListener.accept(s);
                        }
                    }
                    session.fineTune(epochs, during);
                }

                @Override
                public int fineTuneEpochs() {
                    return session.fineTuneEpochs();
                }

                @Override
                public Model model() {
                    return session.model();
                }

                @Override
                public Map<Group, int[]> plannedRemoval() {
                    return session.plannedRemoval();
                }

                @Override
                public org.prune4j.criterion.Calibration calibration() {
                    return session.calibration();
                }

                @Override
                public org.prune4j.pruning.PruningMethod method() {
                    return session.method();
                }
            });
        }
    }
}
