package org.prune4j.criterion;

import org.prune4j.dependency.Group;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.model.Model;

/**
 * Network slimming (Liu et al. 2017): |γ| of the batch norms in the group, summed. Pair it with
 * the L1 penalty on γ during training ({@code BatchNormSparsity}).
 */
public final class BatchNormScaleCriterion implements ChannelCriterion {

    public static final String NAME = "bn-scale";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] score(Model model, Group group) {
        double[] total = new double[group.size()];
        boolean any = false;
        for (String space : group.spaces()) {
            if (space.equals(model.graph().inputName()) || !(model.graph().node(space).op() instanceof BatchNormOp)) {
                continue;
            }
            any = true;
            float[] gamma = model.parameter(space, "weight").value().toFloatArray();
            for (int k = 0; k < total.length; k++) {
                for (int idx : group.indicesIn(space, k)) {
                    total[k] += Math.abs(gamma[idx]);
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException("criterion 'bn-scale' needs a batch norm in every group; group '"
                    + group.root() + "' has none (use l1, l2 or taylor, or ignore that layer)");
        }
        return Scores.toFloats(total);
    }
}
