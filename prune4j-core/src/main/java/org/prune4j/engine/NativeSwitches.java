package org.prune4j.engine;

import ai.djl.pytorch.jni.LibUtils;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two switches of the native engine that DJL does not expose, reached through JNA (already
 * on DJL's class path): the process environment as oneDNN reads it, and PyTorch's global
 * "use oneDNN" flag ({@code torch.backends.mkldnn.enabled} in Python).
 */
final class NativeSwitches {

    private NativeSwitches() {}

    /**
     * Sets a variable in the native environment (Java's {@code System.getenv} keeps its own
     * copy and does not see it). oneDNN reads {@code ONEDNN_MAX_CPU_ISA} once, when it first
     * dispatches a primitive, so this works until the first convolution runs.
     */
    static void setenv(String name, String value) {
        int rc = NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {name, value, 1});
        if (rc != 0) {
            throw new IllegalStateException("setenv(" + name + ") failed with " + rc);
        }
    }

    /**
     * Turns PyTorch's use of oneDNN for CPU convolutions on or off ({@code at::globalContext()
     * .setUserEnabledMkldnn}). Read at every convolution, forward and backward, so it can be
     * switched at any time; off, convolutions run PyTorch's own im2col + GEMM kernels.
     */
    static void setOneDnnEnabled(boolean enabled) {
        NativeLibrary torch = libtorchCpu();
        Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb").invokeVoid(new Object[] {context, enabled});
    }

    /** PyTorch's global "use oneDNN" flag. */
    static boolean oneDnnEnabled() {
        NativeLibrary torch = libtorchCpu();
        Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        Function get = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv");
        return (get.invokeInt(new Object[] {context}) & 0xff) != 0;
    }

    private static NativeLibrary libtorchCpu() {
        Engines.startEngine();   // loads the library
        Path lib = Path.of(LibUtils.getLibtorchPath(), "libtorch_cpu.so");
        if (!Files.exists(lib)) {
            throw new IllegalStateException("cannot find PyTorch's CPU library at " + lib);
        }
        return NativeLibrary.getInstance(lib.toString());
    }
}
