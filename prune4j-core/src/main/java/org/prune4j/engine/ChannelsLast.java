package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;


/**
 * Switches 4-D tensors to channels-last (NHWC) memory, in which PyTorch's CPU convolutions,
 * batch norm and elementwise ops run faster and keep that layout for their outputs. DJL has
 * no memory-format call, so this runs a one-method TorchScript module (made by
 * tools/make_channels_last_module.py) that is shipped as a resource. Values and shapes do not
 * change; only the strides do. Autograd tracks the conversion.
 */
public final class ChannelsLast {

    private static final String RESOURCE = "channels_last.pt";
    private static PtSymbolBlock module;

    private ChannelsLast() {}

    /** A channels-last copy of a 4-D activation, tracked by autograd when it is recording. */
    public static NDArray convert(NDArray x) {
        checkRank(x);
        // "true" runs the module in grad mode; with "false" DJL uses inference mode, whose
        // tensors can never require gradients again.
        boolean recording = JniUtils.isGradMode();
        try {
            return IValueUtils.forward(module(), new NDList(x), true).singletonOrThrow();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** A channels-last copy of a 4-D weight, as a new leaf outside any autograd graph. */
    public static NDArray convertDetached(NDArray x) {
        try (NDArray converted = convert(x)) {
            return converted.stopGradient();
        }
    }

    private static void checkRank(NDArray x) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("channels-last needs a 4-D array, got " + x.getShape());
        }
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            module = TorchScriptModules.load(RESOURCE);
        }
        return module;
    }
}
