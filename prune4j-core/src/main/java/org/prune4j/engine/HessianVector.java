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
    /** DJL's setting for every other module (on unless ai.djl.pytorch.graph_optimizer=false). */
    private static final boolean GRAPH_OPTIMIZER =
            Boolean.parseBoolean(System.getProperty("ai.djl.pytorch.graph_optimizer", "true"));

    private HessianVector() {}

    /**
     * {@code H·v} per parameter, where H is the Hessian of {@code loss} with respect to
     * {@code params}. The loss must have been computed with gradients recorded (inside an open
     * GradientCollector). Results are attached to {@code manager}.
     */
    public static NDArray[] product(NDArray loss, List<NDArray> params, List<NDArray> vectors, NDManager manager) {
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
        // The profiling graph executor's first runs of a module gave NaN for this double backward
        // (measured: the first GraSP scoring in a process); the plain interpreter is exact every time.
        JniUtils.setGraphExecutorOptimize(false);
        try {
            NDList out = IValueUtils.forward(module(), inputs, true);
            NDArray[] result = new NDArray[out.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = out.get(i);
                result[i].attach(manager);
            }
            return result;
        } finally {
            JniUtils.setGraphExecutorOptimize(GRAPH_OPTIMIZER);
            JniUtils.setGradMode(recording);
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setName(oldNames.get(i));
            }
            inputs.subList(1 + params.size(), inputs.size()).forEach(NDArray::close);
        }
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            module = TorchScriptModules.load(RESOURCE);
        }
        return module;
    }
}
