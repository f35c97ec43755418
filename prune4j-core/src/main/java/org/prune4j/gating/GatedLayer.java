package org.prune4j.gating;

import org.prune4j.dependency.Group;

/**
 * One layer whose output channels are chosen per input: its group's channels are multiplied by a
 * 0/1 gate after the activation ({@code gateNode}), so a channel that is off contributes exactly
 * nothing downstream and neither it nor the next layer's reads of it need computing. The gate
 * keeps the {@code keep} channels with the largest predicted activation, predicted from the
 * channel means of the layer's input ({@code sourceNode}): {@code ŷ = targetMean + (x̄ - sourceMean) · weights}.
 *
 * @param group the dependency group whose channels are gated (its root is the conv or linear layer)
 * @param weights the predictor, {@code (sourceChannels, channels)} row-major: the matrix the product needs
 */
public record GatedLayer(Group group, String sourceNode, String gateNode, int keep, float[] sourceMean,
        float[] targetMean, float[] weights) {

    /** How many channels the layer has. */
    public int channels() {
        return targetMean.length;
    }

    /** The multiply-accumulates per sample of predicting this layer's gate. */
    public long predictorMacs() {
        return weights.length;
    }
}
