package org.prune4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Products with the Gauss-Newton matrix of the mean cross-entropy of recorded logits,
 * {@code G = (1/N) Σ_n J_nᵀ R_n J_n} ({@code J_n = ∂z_n/∂θ}, {@code R_n = diag(p_n) − p_n p_nᵀ}),
 * for SOSP. Two TorchScript modules (tools/make_gauss_newton_modules.py) take the products
 * inside libtorch: {@code J·v} through the linear map {@code w ↦ Jᵀw} ("double-backward trick"),
 * {@code Jᵀ·u} as an ordinary backward pass. Call inside an open GradientCollector, with the
 * logits recorded from {@code params}.
 */
public final class GaussNewton {

    private static PtSymbolBlock vectorModule;
    private static PtSymbolBlock jacobianModule;

    private GaussNewton() {}

    /** {@code G·v} per parameter (three backward passes, one of them double), attached to {@code manager}. */
    public static NDArray[] product(NDArray logits, List<NDArray> params, List<NDArray> vectors, NDManager manager) {
        if (params.size() != vectors.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + vectors.size() + " vectors");
        }
        NDArray[] result = HessianVector.zerosLike(params, manager);
        Map<String, List<NDArray>> lists = new LinkedHashMap<>();
        lists.put("params", params);
        lists.put("vectors", vectors);
        lists.put("outs", List.of(result));
        TorchScriptModules.forward(modules()[0], logits, lists);
        return result;
    }

    /**
     * {@code J·v_s} for S directions at once: {@code directions.get(i)} is (S, number of elements
     * of {@code params.get(i)}), row s the direction's part in that parameter (row-major). Returns
     * (S, N, C): the change of every logit along each direction. One double backward per direction.
     */
    public static NDArray jacobianVectors(NDArray logits, List<NDArray> params, List<NDArray> directions,
            NDManager manager) {
        if (params.size() != directions.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + directions.size() + " directions");
        }
        long count = directions.get(0).getShape().get(0);
        for (int i = 0; i < params.size(); i++) {
            Shape expected = new Shape(count, params.get(i).getShape().size());
            if (!directions.get(i).getShape().equals(expected)) {
                throw new IllegalArgumentException("directions for parameter " + i + " are " + directions.get(i).getShape()
                        + ", expected " + expected);
            }
        }
        Shape z = logits.getShape();
        NDArray out = manager.zeros(new Shape(count, z.get(0), z.get(1)), logits.getDataType());
        Map<String, List<NDArray>> lists = new LinkedHashMap<>();
        lists.put("params", params);
        lists.put("directions", directions);
        lists.put("outs", List.of(out));
        TorchScriptModules.forward(modules()[1], logits, lists);
        return out;
    }

    private static synchronized PtSymbolBlock[] modules() {
        if (vectorModule == null) {
            vectorModule = TorchScriptModules.load("gauss_newton_vector.pt");
            jacobianModule = TorchScriptModules.load("jacobian_vectors.pt");
        }
        return new PtSymbolBlock[] {vectorModule, jacobianModule};
    }
}
