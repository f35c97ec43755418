package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact Hessian-vector products {@code H·v} of a recorded loss, for second-order criteria
 * (GraSP). DJL's create-graph backward leaks the graph it leaves in {@code .grad}; this runs a
 * small TorchScript module (made by tools/make_hessian_vector_module.py, shipped as a resource)
 * that calls {@code torch.autograd.grad} twice inside libtorch and returns detached results.
 */
public final class HessianVector {

    private static final String RESOURCE = "hessian_vector.pt";
    private static PtSymbolBlock module;

    private HessianVector() {}

    /**
     * {@code H·v} per parameter, where H is the Hessian of {@code loss} with respect to
     * {@code params}. The loss must have been computed with gradients recorded (inside an open
     * GradientCollector). Results are attached to {@code manager}.
     */
    public static NDArray[] product(NDArray loss, List<NDArray> params, List<NDArray> vectors, NDManager manager) {
        return run(module(), loss, params, vectors, manager);
    }

    private static NDArray[] run(PtSymbolBlock hvp, NDArray loss, List<NDArray> params, List<NDArray> vectors,
            NDManager manager) {
        if (params.size() != vectors.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + vectors.size() + " vectors");
        }
        // DJL runs a module in grad mode only through its NDList call, which passes arrays named
        // "x[]" as one list argument; the names are restored afterwards.
        NDList inputs = new NDList(loss);
        List<String> oldNames = new ArrayList<>();
        for (NDArray p : params) {
            oldNames.add(p.getName());
            p.setName("params[]");
            inputs.add(p);
        }
        for (NDArray v : vectors) {
            NDArray named = v.duplicate();
            named.setName("vectors[]");
            inputs.add(named);
        }
        boolean recording = JniUtils.isGradMode();
        try {
            NDList out = IValueUtils.forward(hvp, inputs, true);
            NDArray[] result = new NDArray[out.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = out.get(i);
                result[i].attach(manager);
            }
            return result;
        } finally {
            JniUtils.setGradMode(recording);
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setName(oldNames.get(i));
            }
            inputs.subList(1 + params.size(), inputs.size()).forEach(NDArray::close);
        }
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            PtSymbolBlock loaded = TorchScriptModules.load(RESOURCE);
            warmUp(loaded);
            module = loaded;
        }
        return module;
    }

    /**
     * The first call of a freshly loaded module returned garbage (measured: 1.25e18 where 6 was
     * right, and NaN for most GraSP scores of the first pruning in a process); every later call is
     * exact. The cause inside libtorch/DJL is not found, so the first call is made here, on a tiny
     * problem, and discarded.
     */
    private static void warmUp(PtSymbolBlock loaded) {
        try (NDManager m = Engines.get().newBaseManager()) {
            NDArray w = Engines.create(m, new float[] {1, 2}, new ai.djl.ndarray.types.Shape(2));
            w.setRequiresGradient(true);
            NDArray v = Engines.create(m, new float[] {1, 1}, new ai.djl.ndarray.types.Shape(2));
            boolean recording = JniUtils.isGradMode(); // callers may already be inside a GradientCollector
            JniUtils.setGradMode(true);
            try {
                run(loaded, w.pow(3).sum(), List.of(w), List.of(v), m);
            } finally {
                JniUtils.setGradMode(recording);
            }
        }
    }
}
