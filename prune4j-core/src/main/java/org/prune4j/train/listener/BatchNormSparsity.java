package org.prune4j.train.listener;

import ai.djl.ndarray.NDArray;

import org.prune4j.graph.Node;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.model.Parameter;
import org.prune4j.train.TrainingContext;

/**
 * Network slimming's sparsity penalty (Liu et al. 2017): adds λ·sign(γ) to the gradient of every
 * batch-norm scale before each update, i.e. an L1 penalty λ·Σ|γ| on the loss, so unimportant
 * channels get small γ and the {@code bn-scale} criterion can find them.
 */
public final class BatchNormSparsity implements TrainingListener {

    private final double lambda;

    public BatchNormSparsity(double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("sparsity λ must be positive, got " + lambda);
        }
        this.lambda = lambda;
    }

    @Override
    public void beforeUpdate(TrainingContext context) {
        for (Node n : context.model().graph().nodes()) {
            if (n.op() instanceof BatchNormOp) {
                Parameter gamma = context.model().parameter(n.name(), "weight");
                try (NDArray grad = gamma.value().getGradient(); NDArray sign = gamma.value().sign()) {
                    grad.addi(sign.muli(lambda));
                }
            }
        }
    }
}
