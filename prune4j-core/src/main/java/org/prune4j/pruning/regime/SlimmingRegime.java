package org.prune4j.pruning.regime;

import org.prune4j.criterion.BatchNormScaleCriterion;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.train.listener.BatchNormSparsity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Network slimming end to end (Liu et al., "Learning Efficient Convolutional Networks through
 * Network Slimming", ICCV 2017): train with the L1 penalty λ·Σ|γ| on every batch-norm scale
 * ({@link BatchNormSparsity}), prune the channels with the smallest scales ({@code bn-scale}),
 * fine-tune; multi-pass repeats the three for each pass, each pass removing the same share of
 * what is left, so the last reaches the budget.
 */
final class SlimmingRegime extends NamedRegime {

    static final String NAME = "slimming";
    /** The paper's λ for VGG on CIFAR (1e-5 for ResNet and DenseNet there). */
    static final double DEFAULT_LAMBDA = 1e-4;


    SlimmingRegime(RegimeOptions options) {
        super(NAME, options);
    }

    @Override
    public int regimeEpochs() {
        return options.epochs() * options.passes();
    }

    /** Each pass trains with the penalty and fine-tunes after its pruning step. */
    @Override
    public int totalEpochs(int fineTuneEpochs) {
        return options.passes() * (options.epochs() + fineTuneEpochs);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regimeEpochs", options.epochs());
        m.put("lambda", options.strengthOr(DEFAULT_LAMBDA));
        m.put("passes", options.passes());
        return m;
    }

    @Override
    public void check(PruningMethod method) {
        if (!(method instanceof StructuredPruner) || !BatchNormScaleCriterion.NAME.equals(method.name())) {
            throw new IllegalArgumentException("regime 'slimming' pushes batch-norm scales to zero and prunes by them: "
                    + "use --criterion " + BatchNormScaleCriterion.NAME + " (got '" + method.name() + "')");
        }
    }

    @Override
    public void run(PruningSession session) {
        if (session.model().graph().nodes().stream().noneMatch(n -> n.op() instanceof BatchNormOp)) {
            throw new IllegalArgumentException("regime 'slimming' penalizes batch-norm scales, and the model has no "
                    + "batch norm");
        }
        int passes = options.passes();
        for (int pass = 1; pass <= passes; pass++) {
            session.fineTune(options.epochs(), new BatchNormSparsity(options.strengthOr(DEFAULT_LAMBDA)));
            session.pruneTo(Progress.geometric(pass / (double) passes), null);
            session.fineTune(session.fineTuneEpochs());
        }
    }
}
