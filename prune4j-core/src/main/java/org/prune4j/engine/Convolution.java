package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The engine's 2-D convolution as every prune4j layer (and the engine's known-answer check)
 * runs it, routed around kernels known to be faulty.
 *
 * <p>A 1×1 convolution with stride s and no padding reads every s-th pixel; it is computed here
 * as that subsampling followed by a 1×1 stride-1 convolution, which is the same function with
 * the same gradients. The reason: oneDNN 3.7's 1×1 backward-weights kernels for strided inputs
 * (which copy the strided input into a workspace first) corrupt memory when the input has fewer
 * channels than the kernel's vector block. Measured on this project's machine under
 * {@code ONEDNN_MAX_CPU_ISA=AVX2} (the path of every AVX2-only processor): weight gradients off
 * by 75-80%, hangs in {@code jit_avx2_1x1_convolution_bwd_weights_t} and SIGSEGV, for 1 to 7
 * input channels in channels-last memory; the AVX-512 variant crashed on the machine of issue 9.
 * ResNet projection shortcuts and pruned models are exactly such layers.
 *
 * <p>{@code -Dprune4j.engine.routeStridedPointwise=false} calls the engine's kernel directly, to
 * see whether a newer engine still needs the detour ({@code prune4j doctor --recheck}).
 */
public final class Convolution {

    static final String ROUTE_PROPERTY = "prune4j.engine.routeStridedPointwise";
    private static final boolean ROUTE_STRIDED_POINTWISE = routeStridedPointwise();

    private Convolution() {}

    static boolean routeStridedPointwise() {
        return !"false".equals(System.getProperty(ROUTE_PROPERTY));
    }

    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        Shape w = weight.getShape();
        boolean stridedPointwise = ROUTE_STRIDED_POINTWISE && w.get(2) == 1 && w.get(3) == 1 && padding[0] == 0 && padding[1] == 0
                && (stride[0] > 1 || stride[1] > 1);
        if (!stridedPointwise) {
            return Conv2d.conv2d(x, weight, bias, new Shape(stride[0], stride[1]), new Shape(padding[0], padding[1]),
                    new Shape(dilation[0], dilation[1]), groups).singletonOrThrow();
        }
        try (NDArray every = x.get(new NDIndex(":, :, ::" + stride[0] + ", ::" + stride[1]))) {
            return Conv2d.conv2d(every, weight, bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), groups)
                    .singletonOrThrow();
        }
    }
}
