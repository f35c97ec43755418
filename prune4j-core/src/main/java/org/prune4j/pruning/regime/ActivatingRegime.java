package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.criterion.Calibration;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.evaluation.ReluActivity;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Activating-while-Pruning (AP, the seed paper): the share of ReLU outputs at zero — the dynamic
 * dead-neuron rate — hurts a pruned network, and the more it is pruned the more it matters. AP is
 * not a criterion: it runs beside the method's. While the model trains between and after the
 * pruning steps, every {@code 1/}{@value SteeringRegime#UPDATES_PER_EPOCH} epoch it measures each
 * ReLU channel's share of zero outputs on the calibration batches and, among the channels the
 * method keeps, raises the bias before the ReLU (the batch norm's β, or the layer's bias) of those
 * more often at zero than their layer's mean, by the strength times the difference: selective
 * activation. The pruning runs in {@code passes} steps (each removing the same share of what is
 * left) after {@code epochs} epochs each, then the recipe's fine-tuning, with AP throughout.
 */
final class ActivatingRegime extends NamedRegime {

    static final String NAME = "ap";
    static final double DEFAULT_STEP = 0.1;

    private final boolean activate; // false: the same training and pruning without AP (the control)

    ActivatingRegime(RegimeOptions options) {
        this(options, true);
    }

    ActivatingRegime(RegimeOptions options, boolean activate) {
        super(NAME, options);
        this.activate = activate;
    }

    @Override
    public int regimeEpochs() {
        return options.epochs() * options.passes();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regimeEpochs", options.epochs());
        m.put("passes", options.passes());
        m.put("step", options.strengthOr(DEFAULT_STEP));
        return m;
    }

    @Override
    public void check(PruningMethod method) {
        SteeringRegime.requireChannelCriterion(NAME, "activates the channels a structured criterion keeps", method);
    }

    @Override
    public void run(PruningSession session) {
        if (session.calibration() == null) {
            throw new IllegalArgumentException("regime 'ap' measures ReLU outputs on data; give it data");
        }
        for (int pass = 1; pass <= options.passes(); pass++) {
            session.fineTune(options.epochs(), listener(session));
            session.pruneTo(Progress.geometric(pass / (double) options.passes()), null);
        }
        session.fineTune(session.fineTuneEpochs(), listener(session));
    }

    private TrainingListener[] listener(PruningSession session) {
        return activate ? new TrainingListener[] {new Activation(session, options.strengthOr(DEFAULT_STEP))}
                : new TrainingListener[0];
    }

    /** Measures the zero shares and raises the biases of the kept channels most often at zero. */
    static final class Activation implements TrainingListener {
        private final PruningSession session;
        private final double step;
        private int interval;

        Activation(PruningSession session, double step) {
            this.session = session;
            this.step = step;
        }

        @Override
        public void onTrainingBegin(TrainingContext context) {
            interval = Math.max(1, context.batchesPerEpoch() / SteeringRegime.UPDATES_PER_EPOCH);
        }

        @Override
        public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
            if (context.step() % interval == 0) {
                activate();
            }
        }

        /** One measurement on the calibration batches and one raise of the selected biases. */
        void activate() {
            Model model = session.model();
            ReluActivity activity = measure(model, session.calibration());
            Map<Group, int[]> plan = session.plannedRemoval();
            Graph graph = model.graph();
            for (Node relu : graph.nodes()) {
                double[] zero = activity.zeroShare(relu.name());
                Parameter bias = zero == null ? null : biasBefore(model, relu);
                if (bias == null) {
                    continue;
                }
                boolean[] removed = removedIn(plan, relu.name(), zero.length);
                double mean = 0;
                int kept = 0;
                for (int c = 0; c < zero.length; c++) {
                    if (!removed[c]) {
                        mean += zero[c];
                        kept++;
                    }
                }
                mean /= Math.max(1, kept);
                float[] raise = new float[zero.length];
                for (int c = 0; c < zero.length; c++) {
                    raise[c] = removed[c] ? 0f : (float) (step * Math.max(0, zero[c] - mean));
                }
                try (NDArray r = Engines.create(model.manager(), raise, bias.value().getShape())
                        .toType(bias.value().getDataType(), false)) {
                    bias.value().addi(r);
                }
            }
        }

        static ReluActivity measure(Model model, Calibration data) {
            ReluActivity activity = new ReluActivity(model.graph());
            data.forEach(model, (step, xy) -> model.forward(xy.get(0), false, Map.of(), activity));
            return activity;
        }

        /** The batch norm's β or the layer's bias right before a ReLU, or null. */
        private static Parameter biasBefore(Model model, Node relu) {
            if (!(relu.op() instanceof ActivationOp)) {
                return null;
            }
            Node producer = model.graph().node(relu.inputs().get(0));
            boolean hasBias = producer.op() instanceof BatchNormOp || producer.op() instanceof Conv2dOp
                    || producer.op() instanceof LinearOp;
            return hasBias ? model.parametersOf(producer.name()).get("bias") : null;
        }

        private static boolean[] removedIn(Map<Group, int[]> plan, String space, int channels) {
            boolean[] removed = new boolean[channels];
            plan.forEach((g, ks) -> {
                if (g.spaces().contains(space)) {
                    for (int k : ks) {
                        g.indicesIn(space, k).forEach(i -> removed[i] = true);
                    }
                }
            });
            return removed;
        }
    }
}
