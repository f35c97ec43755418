package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact Hessian-vector products {@code H·v} of a recorded loss, for second-order criteria
 * (GraSP, taylor-so). DJL's create-graph backward leaks the graph it leaves in {@code .grad};
 * this runs a small TorchScript module (made by tools/make_hessian_vector_module.py, shipped as
 * a resource) that calls {@code torch.autograd.grad} twice inside libtorch.
 *
 * <p>The NaN of the first GraSP scoring and the occasional garbage products (1e18, −8.9e63) were
 * not this module's: the loss graph kept constants DJL had placed in freed Java buffers (see
 * {@link Scalars}); loading this module between the forward and the backward pass (first use)
 * re-used that memory, which is why the load order seemed to matter.
 */
public final class HessianVector {

    private static final String RESOURCE = "hessian_vector.pt";
    private static PtSymbolBlock module;

    private HessianVector() {}

    /**
     * {@code H·v} per parameter, where H is the Hessian of the loss with respect to
     * {@code params}. Call inside an open GradientCollector, with {@code loss} recorded. Results are
     * attached to {@code manager}.
     */
    public static NDArray[] product(NDArray loss, List<NDArray> params, List<NDArray> vectors, NDManager manager) {
        if (params.size() != vectors.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + vectors.size() + " vectors");
        }
        PtSymbolBlock hvp = module();
        NDArray[] result = zerosLike(params, manager);
        Map<String, List<NDArray>> lists = new LinkedHashMap<>();
        lists.put("params", params);
        lists.put("vectors", vectors);
        lists.put("outs", List.of(result));
        TorchScriptModules.forward(hvp, loss, lists);
        return result;
    }

    /** Arrays of zeros shaped and typed like {@code params}, for a module to write its results into. */
    static NDArray[] zerosLike(List<NDArray> params, NDManager manager) {
        NDArray[] result = new NDArray[params.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = manager.zeros(params.get(i).getShape(), params.get(i).getDataType());
        }
        return result;
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            module = TorchScriptModules.load(RESOURCE);
        }
        return module;
    }
}
