package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;

import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.ParamSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the channel axis of images {@code (C, H, W)} or features {@code (F)}.
 * Trainable {@code weight} (γ) and {@code bias} (β); buffers {@code runningMean} and
 * {@code runningVar}, updated in place in training mode.
 */
public final class BatchNormOp implements Op {

    public static final String TYPE = "batchnorm";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, BatchNormOp.class, BatchNormOp::fromAttributes,
            ChannelRules.perChannel("weight", "bias", "runningMean", "runningVar"));

    private final double epsilon;
    private final double momentum;

    /** PyTorch's defaults: epsilon 1e-5, momentum 0.1. */
    public BatchNormOp() {
        this(1e-5, 0.1);
    }

    /**
     * @param momentum weight of the new batch statistic in the running average, as in PyTorch
     */
    public BatchNormOp(double epsilon, double momentum) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("batchnorm epsilon must be positive, got " + epsilon);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchnorm momentum must be in [0, 1], got " + momentum);
        }
        this.epsilon = epsilon;
        this.momentum = momentum;
    }

    public double epsilon() {
        return epsilon;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        if (in.dimension() != 1 && in.dimension() != 3) {
            throw new IllegalArgumentException("expected (C, H, W) or (F), got " + in);
        }
        return in;
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        Shape c = new Shape(inputs.get(0).get(0));
        return List.of(
                ParamSpec.weight("weight", c, ParamSpec.Init.ONES),
                ParamSpec.weight("bias", c, ParamSpec.Init.ZEROS),
                ParamSpec.buffer("runningMean", c, ParamSpec.Init.ZEROS),
                ParamSpec.buffer("runningVar", c, ParamSpec.Init.ONES));
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        NDArray x = inputs.get(0);
        // On the PyTorch engine axis -1 reaches torch.batch_norm (channel axis 1) directly;
        // axis 1 would wrap the call in two transposes. Both give the same result.
        int axis = x.getShape().dimension() == 4 ? -1 : 1;
        return BatchNorm.batchNorm(x, params.get("runningMean"), params.get("runningVar"),
                        params.get("weight"), params.get("bias"), axis, (float) (1 - momentum),
                        (float) epsilon, training)
                .singletonOrThrow();
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("epsilon", epsilon);
        a.put("momentum", momentum);
        return a;
    }

    public static BatchNormOp fromAttributes(OpRegistry.Attributes a) {
        return new BatchNormOp(a.getDouble("epsilon"), a.getDouble("momentum"));
    }

    @Override
    public String toString() {
        return TYPE + attributes();
    }
}
