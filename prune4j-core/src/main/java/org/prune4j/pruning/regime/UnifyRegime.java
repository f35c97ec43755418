package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningKind;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.sparsity.PrunableWeights;
import org.prune4j.sparsity.UnstructuredPruner;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Micro-structured weight unification (the seed paper), trained with ADMM: the weights W of the
 * unstructured method's layers must lie in the set S of unified micro-blocks ({@link MicroBlocks}:
 * every block of 4 coefficients shares one value, and the blocks with the smallest values are
 * all zero, as many as the method's compression removes). ADMM alternates three subproblems:
 * training minimizes the loss plus ρ/2·‖W − Z + U‖² (a penalty gradient ρ(W − Z + U) added at
 * every step, an epoch of training per W-subproblem); after every epoch Z = Π_S(W + U) (the
 * projection) and U += W − Z (the scaled dual), and ρ grows by 30% (up to 10× its start). After the regime's epochs W = Π_S(W)
 * exactly; the method then masks the zero blocks (the smallest weights), and fine-tuning keeps
 * every block unified (each step's update is projected back onto the block means).
 */
final class UnifyRegime extends NamedRegime {

    static final String NAME = "unify";
    static final double DEFAULT_RHO = 1e-2;
    static final int BLOCK = 4;
    /** ρ grows by this at every dual step, up to {@link #RHO_GROWTH_CAP} times its start: the usual ADMM schedule. */
    static final double RHO_GROWTH = 1.3;
    static final double RHO_GROWTH_CAP = 10;


    UnifyRegime(RegimeOptions options) {
        super(NAME, options);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regimeEpochs", options.epochs());
        m.put("rho", options.strengthOr(DEFAULT_RHO));
        m.put("block", BLOCK);
        return m;
    }

    @Override
    public void check(PruningMethod method) {
        requireUnstructured(NAME, "unifies micro-blocks of weights", method);
    }

    /** Refuses a method other than an unstructured one with a compression (its budget). */
    static void requireUnstructured(String regime, String what, PruningMethod method) {
        if (method.kind() != PruningKind.UNSTRUCTURED || !(method.settings().get("compression") instanceof Number)) {
            throw new IllegalArgumentException("regime '" + regime + "' " + what + ": use an unstructured method with a "
                    + "compression (e.g. global-magnitude), its budget; got '" + method.name() + "'");
        }
    }

    @Override
    public void run(PruningSession session) {
        Map<String, Object> method = session.method().settings();
        Model model = session.model();
        List<Parameter> weights = PrunableWeights.of(model, Boolean.TRUE.equals(method.get("includeClassifier")));
        double keep = UnstructuredPruner.keepFraction(model, weights,
                ((Number) method.get("compression")).doubleValue());
        long size = weights.stream().mapToLong(w -> w.value().size()).sum();
        Admm admm = new Admm(weights, new MicroBlocks(BLOCK), Math.round((1 - keep) * size),
                options.strengthOr(DEFAULT_RHO));
        session.fineTune(options.epochs(), admm);
        admm.projectWeights();
        session.pruneTo(Progress.done(), null);
        session.fineTune(session.fineTuneEpochs(), new TrainingListener() {
            @Override
            public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
                admm.projectWeights(); // fine-tuning keeps every block unified
            }
        });
    }

    /** The ADMM state: Z (the projection) and U (the scaled dual) per weight, and the penalty's target Z − U. */
    static final class Admm implements TrainingListener {
        private final List<Parameter> weights;
        private final MicroBlocks blocks;
        private final long zeroed;
        private final double initialRho;
        private double rho;
        private final int[] rows;
        private float[][] z;
        private float[][] u;
        private NDArray[] target = new NDArray[0];
        private int interval = 1;
        final List<Double> distances = new ArrayList<>(); // ‖W − Z‖ / ‖W‖ at each dual step

        Admm(List<Parameter> weights, MicroBlocks blocks, long zeroed, double rho) {
            this.weights = weights;
            this.blocks = blocks;
            this.zeroed = zeroed;
            this.initialRho = rho;
            this.rho = rho;
            this.rows = weights.stream().mapToInt(w -> (int) w.value().getShape().get(0)).toArray();
        }

        @Override
        public void onTrainingBegin(TrainingContext context) {
            interval = Math.max(1, context.batchesPerEpoch()); // the W-subproblem trains an epoch between dual steps
            float[][] w = read();
            u = new float[w.length][];
            for (int t = 0; t < w.length; t++) {
                u[t] = new float[w[t].length];
            }
            updateDual(w);
        }

        @Override
        public void beforeUpdate(TrainingContext context) {
            for (int t = 0; t < target.length; t++) {
                NDArray w = weights.get(t).value();
                try (NDArray grad = w.getGradient(); NDArray diff = w.sub(target[t])) {
                    grad.addi(diff.muli(rho));
                }
            }
        }

        @Override
        public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
            if (context.step() % interval == 0) {
                updateDual(read());
                rho = Math.min(RHO_GROWTH_CAP * initialRho, rho * RHO_GROWTH);
            }
        }

        @Override
        public void onTrainingEnd(TrainingContext context) {
            for (NDArray a : target) {
                a.close();
            }
            target = new NDArray[0];
        }

        /** Z = Π(W + U), U += W − Z, and the penalty's new target Z − U. */
        private void updateDual(float[][] w) {
            float[][] wu = new float[w.length][];
            for (int t = 0; t < w.length; t++) {
                wu[t] = new float[w[t].length];
                for (int i = 0; i < w[t].length; i++) {
                    wu[t][i] = w[t][i] + u[t][i];
                }
            }
            z = blocks.project(wu, rows, zeroed);
            double gap = 0;
            double norm = 0;
            for (int t = 0; t < w.length; t++) {
                for (int i = 0; i < w[t].length; i++) {
                    u[t][i] += w[t][i] - z[t][i];
                    gap += (w[t][i] - z[t][i]) * (double) (w[t][i] - z[t][i]);
                    norm += w[t][i] * (double) w[t][i];
                }
            }
            distances.add(Math.sqrt(gap / Math.max(norm, 1e-30)));
            for (NDArray a : target) {
                a.close();
            }
            target = new NDArray[w.length];
            for (int t = 0; t < w.length; t++) {
                float[] c = new float[w[t].length];
                for (int i = 0; i < c.length; i++) {
                    c[i] = z[t][i] - u[t][i];
                }
                NDArray value = weights.get(t).value();
                target[t] = Engines.create(value.getManager(), c, value.getShape()).toType(value.getDataType(), false);
            }
        }

        /** W = Π(W): every block unified, the smallest all zero. */
        void projectWeights() {
            float[][] p = blocks.project(read(), rows, zeroed);
            for (int t = 0; t < p.length; t++) {
                weights.get(t).value().set(java.nio.FloatBuffer.wrap(p[t]));
            }
        }

        private float[][] read() {
            float[][] w = new float[weights.size()][];
            for (int t = 0; t < w.length; t++) {
                w[t] = weights.get(t).value().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
            return w;
        }
    }
}
