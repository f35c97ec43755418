package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Loads the small TorchScript helpers shipped as resources of this package (made by tools/*.py). */
final class TorchScriptModules {

    private TorchScriptModules() {}

    /** Loads once per caller (callers cache the result); the module lives as long as the engine. */
    static PtSymbolBlock load(String resource) {
        NDManager owner = Engines.get().newBaseManager();
        try (InputStream in = TorchScriptModules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the prune4j jar");
            }
            return JniUtils.loadModule((PtNDManager) owner, in, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + resource, e);
        }
    }

    /**
     * Runs {@code module.forward(first, list1, list2, …)} in grad mode, each map entry reaching
     * TorchScript as one {@code List[Tensor]} argument, in map order. DJL runs a module in grad
     * mode only through its NDList call, which passes arrays named "x[]" as one list argument; the
     * arrays' names are restored afterwards. Results come back in arrays the caller passed (the
     * modules write them with {@code copy_}), so the return value is dropped.
     */
    static void forward(PtSymbolBlock module, NDArray first, Map<String, List<NDArray>> lists) {
        NDList inputs = new NDList(first);
        List<String> oldNames = new ArrayList<>();
        lists.forEach((name, arrays) -> arrays.forEach(a -> {
            oldNames.add(a.getName());
            a.setName(name + "[]");
            inputs.add(a);
        }));
        boolean recording = JniUtils.isGradMode();
        try {
            IValueUtils.forward(module, inputs, true).close();
        } finally {
            JniUtils.setGradMode(recording);
            for (int i = 0; i < oldNames.size(); i++) {
                inputs.get(i + 1).setName(oldNames.get(i));
            }
        }
    }
}
