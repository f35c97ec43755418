package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.criterion.Calibration;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.dependency.ChannelRemoval;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.listener.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A pruning session on synthetic data for regime tests: trains with the given recipe, and before
 * the final pruning step lets the test look at the model, then checks that the physically pruned
 * model computes what the model with the planned channels masked computes.
 */
final class RegimeSession implements PruningSession {

    static final DataLoader DATA = DataLoader.builder().setBatchSize(16).optShuffle(true).optSeed(3)
            .setDataset(SyntheticImages.builder().setNumSamples(64).setShape(1, 12, 12).setNumClasses(10).build())
            .build();

    private final Model model;
    private final PruningMethod method;
    private final PruningMethod.Pruning pruning;
    private final Calibration calibration;
    private final TrainingRecipe recipe;
    private final int fineTuneEpochs;
    Consumer<Map<Group, int[]>> beforeFinalPrune = plan -> {};
    final List<String> calls = new ArrayList<>();
    double prunedVsMasked = Double.NaN;

    RegimeSession(Model model, PruningMethod method, double learningRate, int fineTuneEpochs) {
        this.model = model;
        this.method = method;
        this.calibration = new Calibration(DATA, 2);
        this.pruning = method.begin(model, calibration);
        this.recipe = TrainingRecipe.fineTuneDefaults().toBuilder().optLearningRate(learningRate)
                .optLrSchedule("constant").optBatchSize(16).setEpochs(1).build();
        this.fineTuneEpochs = fineTuneEpochs;
    }

    @Override
    public void pruneTo(Progress progress, ParameterState state) {
        calls.add("prune " + progress.t());
        if (!progress.complete()) {
            pruning.pruneTo(progress, state);
            return;
        }
        Map<Group, int[]> plan = pruning.plan();
        beforeFinalPrune.accept(plan);
        try (Model masked = Model.builder().setGraph(model.graph()).optSeed(9).build()) {
            model.parameters().forEach(p -> masked.parameter(p.node(), p.name()).value().set(
                    java.nio.FloatBuffer.wrap(p.value().toFloatArray())));
            ChannelRemoval.mask(masked, plan);
            float[] expected = eval(masked);
            pruning.pruneTo(progress, state);
            float[] actual = eval(model);
            double worst = 0;
            double scale = 1;
            for (float e : expected) {
                scale = Math.max(scale, Math.abs(e));
            }
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / scale);
            }
            prunedVsMasked = worst;
        }
    }

    @Override
    public void fineTune(int epochs, TrainingListener... during) {
        calls.add("train " + epochs);
        if (epochs > 0) {
            Trainer.fit(model, recipe.withEpochs(epochs), DATA, List.of(during));
        }
    }

    @Override
    public int fineTuneEpochs() {
        return fineTuneEpochs;
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public Map<Group, int[]> plannedRemoval() {
        return pruning.plan();
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public PruningMethod method() {
        return method;
    }

    static float[] eval(Model m) {
        try (NDManager step = m.manager().newSubManager()) {
            float[] input = new float[2 * 12 * 12];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) Math.sin(i * 0.37);
            }
            return m.forward(step.create(input, new Shape(2, 1, 12, 12)), false).toFloatArray();
        }
    }
}
