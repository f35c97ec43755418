package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sparse connectivity learning (Tang et al., "Automatic Sparse Connectivity Learning for Neural
 * Networks", TNNLS 2022): every weight w of the unstructured method's layers gets a trainable
 * mask variable s, and the network computes with ŵ = w · step(s). The unit step passes gradients
 * straight through (identity): ∂L/∂s = ∂L/∂ŵ · w, normalized per output feature (divided by the
 * feature's RMS) so that every layer learns its connectivity at the same pace; a regularizer on
 * the number of connections, λ·Σ step(s), adds λ to every mask gradient. The weights learn only
 * where they are connected (∂L/∂w = ∂L/∂ŵ · step(s)); a disconnected weight keeps its value and
 * comes back if its s turns positive again. After the regime's epochs the method prunes to its
 * budget exactly (the disconnected weights, being zero, go first) and fine-tuning follows.
 */
final class SclRegime extends NamedRegime {

    static final String NAME = "scl";
    static final double DEFAULT_LAMBDA = 0.2;
    /** Step size of the mask variables (on normalized gradients), and their start: every connection on. */
    static final double MASK_LEARNING_RATE = 0.01;
    static final double MASK_START = 1.0;


    SclRegime(RegimeOptions options) {
        super(NAME, options);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regimeEpochs", options.epochs());
        m.put("lambda", options.strengthOr(DEFAULT_LAMBDA));
        m.put("maskLearningRate", MASK_LEARNING_RATE);
        return m;
    }

    @Override
    public void check(PruningMethod method) {
        UnifyRegime.requireUnstructured(NAME, "learns which single connections to keep", method);
    }

    @Override
    public void run(PruningSession session) {
        Model model = session.model();
        List<Parameter> weights = PrunableWeights.of(model,
                Boolean.TRUE.equals(session.method().settings().get("includeClassifier")));
        Connectivity connectivity = new Connectivity(weights, options.strengthOr(DEFAULT_LAMBDA));
        session.fineTune(options.epochs(), connectivity);
        session.pruneTo(Progress.done(), null);
        session.fineTune(session.fineTuneEpochs());
    }

    /** The mask variables, the masks and the dense weights behind the masked ones the model computes with. */
    static final class Connectivity implements TrainingListener {
        private final List<Parameter> weights;
        private final double lambda;
        private NDArray[] s = new NDArray[0];
        private NDArray[] dense = new NDArray[0];
        private NDArray[] mask = new NDArray[0];

        Connectivity(List<Parameter> weights, double lambda) {
            this.weights = weights;
            this.lambda = lambda;
        }

        @Override
        public void onTrainingBegin(TrainingContext context) {
            begin();
        }

        /** Every connection on: s at its start, the dense weights the model's. */
        void begin() {
            s = new NDArray[weights.size()];
            dense = new NDArray[weights.size()];
            mask = new NDArray[weights.size()];
            for (int t = 0; t < s.length; t++) {
                NDArray w = weights.get(t).value();
                s[t] = w.onesLike().muli(MASK_START);
                dense[t] = w.duplicate();
                mask[t] = w.onesLike();
            }
        }

        /** ∂L/∂s through the identity straight-through unit step: ∂L/∂ŵ · w, before normalization. */
        NDArray rawMaskGradient(int t) {
            try (NDArray g = weights.get(t).value().getGradient()) {
                return g.mul(dense[t]);
            }
        }

        /** Updates s from this batch's gradient (normalized per output feature) and the connection count. */
        @Override
        public void beforeUpdate(TrainingContext context) {
            for (int t = 0; t < s.length; t++) {
                try (NDArray raw = rawMaskGradient(t);
                        NDArray rows = raw.reshape(raw.getShape().get(0), -1);
                        NDArray squared = rows.square();
                        NDArray meanSquare = squared.mean(new int[] {1}, true);
                        NDArray rms = meanSquare.sqrt().addi(1e-12);
                        NDArray normalized = rows.div(rms);
                        NDArray step = normalized.addi(lambda).muli(MASK_LEARNING_RATE)) {
                    s[t].subi(step.reshape(s[t].getShape()));
                }
            }
        }

        /** The connected weights took the update; the disconnected keep their value; then the new masks apply. */
        @Override
        public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
            absorbUpdate();
            applyMasks();
        }

        /** dense ← dense·(1 − m) + ŵ·m: what the optimizer did to the connected weights. */
        void absorbUpdate() {
            for (int t = 0; t < s.length; t++) {
                try (NDArray kept = dense[t].mul(mask[t]); NDArray updated = weights.get(t).value().mul(mask[t])) {
                    dense[t].subi(kept).addi(updated);
                }
            }
        }

        /** m = step(s), ŵ = dense · m. */
        void applyMasks() {
            for (int t = 0; t < s.length; t++) {
                NDArray w = weights.get(t).value();
                mask[t].close();
                try (NDArray on = s[t].gt(0)) {
                    mask[t] = on.toType(w.getDataType(), false);
                }
                try (NDArray masked = dense[t].mul(mask[t])) {
                    w.muli(0).addi(masked);
                }
            }
        }

        @Override
        public void onTrainingEnd(TrainingContext context) {
            for (int t = 0; t < s.length; t++) {
                s[t].close();
                dense[t].close();
                mask[t].close();
            }
            s = new NDArray[0];
            dense = new NDArray[0];
            mask = new NDArray[0];
        }

        /** The share of connections on. */
        double density() {
            long on = 0;
            long all = 0;
            for (NDArray m : mask) {
                try (NDArray sum = m.sum()) {
                    on += (long) sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                }
                all += m.size();
            }
            return all == 0 ? 1 : on / (double) all;
        }

        NDArray maskVariables(int t) {
            return s[t];
        }

        NDArray denseWeights(int t) {
            return dense[t];
        }
    }
}
