package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.model.Parameter;
import org.prune4j.pruning.PruningSession;
import org.prune4j.train.TrainingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Soft masking for cost-constrained channel pruning (Humble et al., "Soft Masking for
 * Cost-Constrained Channel Pruning", ECCV 2022): channels are masked from the input side — the
 * weights that read them are multiplied by a 0/1 mask — over a dense copy of those weights that
 * keeps training (straight-through: each update of the masked weights is applied to the dense
 * copy too, so a masked channel's readers still learn). At every update the mask is recomputed
 * from the dense weights by the method (its criterion and allocation under its MAC or parameter
 * budget; {@code global} makes it the paper's global resource allocation), so a masked channel
 * whose importance grows comes back. At the end the dense weights are written back and the
 * method removes exactly the last mask's channels.
 */
final class SmcpRegime extends SteeringRegime {

    static final String NAME = "smcp";

    SmcpRegime(RegimeOptions options) {
        super(NAME, options);
    }

    @Override
    double strength() {
        return 1; // no strength: the mask follows the method's budget
    }

    @Override
    Steering listener(PruningSession session) {
        return new SoftMask(session);
    }

    /** The dense copies of the readers' weights and the current mask. */
    static final class SoftMask extends Steering {
        private final Map<Parameter, NDArray> dense = new LinkedHashMap<>();
        private Map<Parameter, NDArray> mask = Map.of();
        private boolean[] masked;
        private int revived;

        SoftMask(PruningSession session) {
            super(session);
        }

        @Override
        boolean readersOnly() {
            return true;
        }

        /** The method chooses on the dense weights; the model then trains with the new mask. */
        @Override
        void steer() {
            writeDenseBack();
            super.steer();
        }

        @Override
        void update(boolean[] chosen) {
            if (masked != null) {
                for (int c = 0; c < chosen.length; c++) {
                    revived += masked[c] && !chosen[c] ? 1 : 0;
                }
            }
            masked = chosen;
            double[] keep = new double[chosen.length];
            for (int c = 0; c < keep.length; c++) {
                keep[c] = chosen[c] ? 0 : 1;
            }
            mask.values().forEach(NDArray::close);
            mask = slicing.perElement(keep, 1f, ChannelSlicing.Overlap.SMALLEST);
            mask.forEach((p, m) -> {
                dense.put(p, p.value().duplicate());
                p.value().muli(m);
            });
        }

        /** dense ← dense·(1 − m) + w: the masked weights' update goes to the dense copy; then w ← dense·m. */
        @Override
        public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
            mask.forEach((p, m) -> {
                NDArray d = dense.get(p);
                try (NDArray kept = d.mul(m)) {
                    d.subi(kept).addi(p.value());
                }
                p.value().muli(m);
            });
            super.onBatchEnd(context, loss, correct, batchSize);
        }

        /** Puts the dense weights back into the model (unmasked). */
        private void writeDenseBack() {
            dense.forEach((p, d) -> {
                p.value().muli(0).addi(d);
                d.close();
            });
            dense.clear();
        }

        /** A last mask from the final dense weights; they go back into the model, and the method removes that mask's channels. */
        @Override
        public void onTrainingEnd(TrainingContext context) {
            steer();
            writeDenseBack();
            mask.values().forEach(NDArray::close);
            mask = Map.of();
        }

        /** The dense copy of a masked parameter (null when none). */
        NDArray dense(Parameter p) {
            return dense.get(p);
        }

        int revived() {
            return revived;
        }

        boolean[] masked() {
            return masked.clone();
        }
    }
}
