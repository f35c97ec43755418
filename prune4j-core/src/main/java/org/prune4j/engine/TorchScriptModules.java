package org.prune4j.engine;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

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
}
