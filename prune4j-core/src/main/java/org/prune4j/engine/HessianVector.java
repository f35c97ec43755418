package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
     * {@code H·v} per parameter, where H is the Hessian of the loss with respect to
     * {@code params}. Call inside an open GradientCollector; {@code loss} computes the loss with
     * gradients recorded. Results are attached to {@code manager}.
     *
     * <p>The loss comes as a supplier because the module must be loaded before the loss graph is
     * recorded: loading it (on first use) while a recorded graph was alive made that first product
     * NaN in about 14 of 16 GraSP bench runs (nondeterministic; later products were right); loading it
     * first, 6 of 6 were right. The mechanism inside libtorch's module loader is not located.
     */
    public static NDArray[] product(Supplier<NDArray> loss, List<NDArray> params, List<NDArray> vectors,
            NDManager manager) {
        PtSymbolBlock hvp = module();
        return run(hvp, loss.get(), params, vectors, manager);
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
        // The module writes the results into arrays Java owns. Reading them from its return value
        // (a list of tensors through DJL's IValue conversion) gave garbage on the first call in a
        // process: 1.25e18 where 6 was right, NaN for most GraSP scores.
        NDArray[] result = new NDArray[params.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = manager.zeros(params.get(i).getShape(), params.get(i).getDataType());
            result[i].setName("outs[]");
            inputs.add(result[i]);
        }
        boolean recording = JniUtils.isGradMode();
        try {
            IValueUtils.forward(hvp, inputs, true).close();
            return result;
        } finally {
            JniUtils.setGradMode(recording);
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setName(oldNames.get(i));
            }
            for (NDArray r : result) {
                r.setName(null);
            }
            inputs.subList(1 + params.size(), 1 + 2 * params.size()).forEach(NDArray::close); // the vector copies
        }
    }

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            module = TorchScriptModules.load(RESOURCE);
        }
        return module;
    }
}
