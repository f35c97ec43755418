package org.prune4j.graph.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Convolution;
import org.prune4j.graph.NodeParameters;
import org.prune4j.graph.Op;
import org.prune4j.graph.OpDescriptor;
import org.prune4j.graph.OpRegistry;
import org.prune4j.graph.ParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 2-D convolution with stride, padding, dilation and groups (groups = input channels makes it
 * depthwise). Weight {@code (out, in/groups, kh, kw)}, optional bias {@code (out)}.
 */
public final class Conv2dOp implements Op {

    public static final String TYPE = "conv2d";

    /** Type, attributes and channel rule: how checkpoints, the registry and pruning know this op. */
    public static final OpDescriptor DESCRIPTOR =
            new OpDescriptor(TYPE, Conv2dOp.class, Conv2dOp::fromAttributes, new ConvChannelRule());

    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final boolean bias;

    private Conv2dOp(Builder b) {
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.groups = b.groups;
        this.bias = b.bias;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder with this op's settings, e.g. to change the channel counts when pruning. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.outChannels = outChannels;
        b.kernel = kernel.clone();
        b.stride = stride.clone();
        b.padding = padding.clone();
        b.dilation = dilation.clone();
        b.groups = groups;
        b.bias = bias;
        return b;
    }

    public int outChannels() {
        return outChannels;
    }

    public int groups() {
        return groups;
    }

    public boolean hasBias() {
        return bias;
    }

    public int[] kernel() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = ShapeChecks.image(inputs);
        long c = in.get(0);
        if (c % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(
                    "groups=" + groups + " must divide input channels (" + c
                            + ") and output channels (" + outChannels + ")");
        }
        long h = ShapeChecks.windowOutput("height", in.get(1), kernel[0], stride[0], padding[0], dilation[0]);
        long w = ShapeChecks.windowOutput("width", in.get(2), kernel[1], stride[1], padding[1], dilation[1]);
        return new Shape(outChannels, h, w);
    }

    @Override
    public List<ParamSpec> parameters(List<Shape> inputs) {
        long inPerGroup = inputs.get(0).get(0) / groups;
        List<ParamSpec> specs = new ArrayList<>(2);
        specs.add(ParamSpec.weight("weight",
                new Shape(outChannels, inPerGroup, kernel[0], kernel[1]),
                ParamSpec.Init.KAIMING_NORMAL_FAN_OUT));
        if (bias) {
            specs.add(ParamSpec.weight("bias", new Shape(outChannels), ParamSpec.Init.UNIFORM_FAN_IN));
        }
        return specs;
    }

    @Override
    public NDArray forward(List<NDArray> inputs, NodeParameters params, boolean training) {
        return Convolution.conv2d(inputs.get(0), params.get("weight"), params.get("bias"), stride, padding,
                dilation, groups);
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        long inPerGroup = inputs.get(0).get(0) / groups;
        return output.size() * inPerGroup * kernel[0] * kernel[1];
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("outChannels", outChannels);
        a.put("kernel", List.of(kernel[0], kernel[1]));
        a.put("stride", List.of(stride[0], stride[1]));
        a.put("padding", List.of(padding[0], padding[1]));
        a.put("dilation", List.of(dilation[0], dilation[1]));
        a.put("groups", groups);
        a.put("bias", bias);
        return a;
    }

    public static Conv2dOp fromAttributes(OpRegistry.Attributes a) {
        int[] k = a.getInts("kernel");
        int[] s = a.getInts("stride");
        int[] p = a.getInts("padding");
        int[] d = a.getInts("dilation");
        return builder().setOutChannels(a.getInt("outChannels")).setKernel(k[0], k[1])
                .optStride(s[0], s[1]).optPadding(p[0], p[1]).optDilation(d[0], d[1])
                .optGroups(a.getInt("groups")).optBias(a.getBoolean("bias")).build();
    }

    @Override
    public String toString() {
        return TYPE + attributes();
    }

    /** {@code setOutChannels} and {@code setKernel} are required; the rest default as in PyTorch. */
    public static final class Builder {
        private int outChannels;
        private int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] dilation = {1, 1};
        private int groups = 1;
        private boolean bias = true;

        private Builder() {}

        public Builder setOutChannels(int outChannels) {
            this.outChannels = outChannels;
            return this;
        }

        public Builder setKernel(int size) {
            return setKernel(size, size);
        }

        public Builder setKernel(int height, int width) {
            this.kernel = new int[] {height, width};
            return this;
        }

        public Builder optStride(int s) {
            return optStride(s, s);
        }

        public Builder optStride(int height, int width) {
            this.stride = new int[] {height, width};
            return this;
        }

        public Builder optPadding(int p) {
            return optPadding(p, p);
        }

        public Builder optPadding(int height, int width) {
            this.padding = new int[] {height, width};
            return this;
        }

        public Builder optDilation(int height, int width) {
            this.dilation = new int[] {height, width};
            return this;
        }

        public Builder optGroups(int groups) {
            this.groups = groups;
            return this;
        }

        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        public Conv2dOp build() {
            ShapeChecks.positive("conv2d outChannels", outChannels);
            if (kernel == null) {
                throw new IllegalArgumentException("conv2d needs a kernel size: call setKernel");
            }
            for (int i = 0; i < 2; i++) {
                ShapeChecks.positive("conv2d kernel", kernel[i]);
                ShapeChecks.positive("conv2d stride", stride[i]);
                ShapeChecks.nonNegative("conv2d padding", padding[i]);
                ShapeChecks.positive("conv2d dilation", dilation[i]);
            }
            ShapeChecks.positive("conv2d groups", groups);
            return new Conv2dOp(this);
        }
    }
}
