package org.prune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.Engines;

import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds every batch norm that directly follows a convolution (whose output nothing else reads)
 * into that convolution, for inference: {@code W' = W·γ/√(σ²+ε)}, {@code b' = (b−μ)·γ/√(σ²+ε)+β}.
 * The result is a new model with fewer nodes that computes what the original computes in eval
 * mode; it is meant for inference and deployment, not for training (batch statistics are gone).
 */
public final class BatchNormFolding {

    private BatchNormFolding() {}

    /** A new, folded model in the memory layout the model builder chooses; the original is left unchanged. */
    public static Model fold(Model model) {
        return fold(Model.builder(), model);
    }

    /** A new, folded model in the given memory layout (inference picks the faster one by measuring). */
    public static Model fold(Model model, boolean channelsLast) {
        return fold(Model.builder().optChannelsLast(channelsLast), model);
    }

    private static Model fold(Model.Builder builder, Model model) {
        Graph graph = model.graph();
        Map<String, String> foldedInto = findFoldable(graph); // BN node → the conv it folds into
        Map<String, String> bnOf = new HashMap<>();
        foldedInto.forEach((bn, conv) -> bnOf.put(conv, bn));

        Graph.Builder b = Graph.builder().setInput(graph.inputName(), graph.inputShape());
        for (Node n : graph.nodes()) {
            if (foldedInto.containsKey(n.name())) {
                continue;
            }
            String[] inputs = n.inputs().stream().map(i -> foldedInto.getOrDefault(i, i)).toArray(String[]::new);
            if (bnOf.containsKey(n.name())) {
                b.add(n.name(), ((Conv2dOp) n.op()).toBuilder().optBias(true).build(), inputs);
            } else {
                b.add(n.name(), n.op(), inputs);
            }
        }
        Graph folded = b.setOutput(foldedInto.getOrDefault(graph.outputName(), graph.outputName())).build();

        Model result = builder.setGraph(folded).optProvenance(model.provenance()).build();
        NDManager m = result.manager();
        Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
        try {
            for (Node n : folded.nodes()) {
                Map<String, Parameter> own = new LinkedHashMap<>();
                String bn = bnOf.get(n.name());
                if (bn != null) {
                    foldConv(model, n.name(), bn, m, own);
                } else {
                    for (Parameter p : model.parametersOf(n.name()).values()) {
                        own.put(p.name(), result.newParameter(n.name(), p.name(), p.trainable(), Engines.denseCopy(m, p.value())));
                    }
                }
                params.put(n.name(), own);
            }
            result.setStructure(folded, params);
            return result;
        } catch (RuntimeException e) {
            result.close();
            throw e;
        }
    }

    /** Computes the folded weight and bias on the Java side: small arrays, exact float math. */
    private static void foldConv(Model model, String conv, String bn, NDManager m, Map<String, Parameter> out) {
        double eps = ((BatchNormOp) model.graph().node(bn).op()).epsilon();
        Map<String, Parameter> c = model.parametersOf(conv);
        Map<String, Parameter> n = model.parametersOf(bn);
        NDArray weight = c.get("weight").value();
        float[] w = weight.toFloatArray();
        float[] gamma = n.get("weight").value().toFloatArray();
        float[] beta = n.get("bias").value().toFloatArray();
        float[] mean = n.get("runningMean").value().toFloatArray();
        float[] var = n.get("runningVar").value().toFloatArray();
        float[] bias = c.containsKey("bias") ? c.get("bias").value().toFloatArray() : new float[gamma.length];
        int perChannel = w.length / gamma.length;
        for (int o = 0; o < gamma.length; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + eps);
            for (int i = o * perChannel; i < (o + 1) * perChannel; i++) {
                w[i] = (float) (w[i] * scale);
            }
            bias[o] = (float) ((bias[o] - mean[o]) * scale + beta[o]);
        }
        out.put("weight", new Parameter(conv, "weight", true, Engines.create(m, w, weight.getShape())));
        out.put("bias", new Parameter(conv, "bias", true, Engines.create(m, bias, new Shape(bias.length))));
    }

    /** BN node name → conv node name for every foldable pair. */
    private static Map<String, String> findFoldable(Graph graph) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (!(n.op() instanceof BatchNormOp) || graph.shapeOf(n.name()).dimension() != 3) {
                continue;
            }
            String producer = n.inputs().get(0);
            if (producer.equals(graph.inputName()) || producer.equals(graph.outputName())) {
                continue;
            }
            boolean conv = graph.node(producer).op() instanceof Conv2dOp;
            if (conv && graph.consumersOf(producer).size() == 1) {
                pairs.put(n.name(), producer);
            }
        }
        return pairs;
    }
}
