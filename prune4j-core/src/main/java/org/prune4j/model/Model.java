package org.prune4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.prune4j.engine.ChannelsLast;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;
import org.prune4j.graph.ParamSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A graph with its weights: runs forward in train or eval mode, exposes every parameter and
 * buffer by node and name, and owns the native memory of its arrays (close it when done).
 *
 * <p>Activations are created in the manager of the input batch, so callers scope each step
 * with {@code try (NDManager step = ...)}; intermediates are also closed right after their last
 * use, which keeps memory warm and small (see the engine notes).
 */
public final class Model implements AutoCloseable {

    private final NDManager manager;
    private final DataType dataType;
    private Graph graph;
    private Map<String, Map<String, Parameter>> parameters;
    /** Node name → position, and the position of each node's last consumer (to free outputs early). */
    private Map<String, Integer> indexOf;
    private int[] lastUse;
    private Provenance provenance;
    /** null: decide per structure (on when every conv has channel counts divisible by 8). */
    private final Boolean channelsLastSetting;
    private boolean channelsLast;

    private Model(Builder b) {
        this.channelsLastSetting = b.channelsLast;
        this.manager = Engines.get().newBaseManager();
        this.dataType = b.dataType;
        this.provenance = b.provenance;
        Initializer init = new Initializer(b.seed);
        Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
        for (Node node : b.graph.nodes()) {
            List<ParamSpec> specs = node.op().parameters(b.graph.inputShapesOf(node));
            Map<String, Parameter> own = new LinkedHashMap<>();
            for (ParamSpec spec : specs) {
                NDArray value;
                try (NDArray f64 = Engines.create(manager, init.values(node.name(), spec, specs), spec.shape())) {
                    value = f64.toType(dataType, true);
                }
                own.put(spec.name(), new Parameter(node.name(), spec.name(), spec.trainable(), value));
            }
            params.put(node.name(), own);
        }
        setStructure(b.graph, params);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Graph graph() {
        return graph;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The manager that owns the parameters; make per-step sub-managers from it. */
    public NDManager manager() {
        return manager;
    }

    public Provenance provenance() {
        return provenance;
    }

    public void setProvenance(Provenance provenance) {
        this.provenance = provenance;
    }

    /**
     * Runs the graph on a batch {@code (N, ...inputShape)}. Training mode uses batch statistics
     * (and updates running ones) and dropout; gradients flow only inside a GradientCollector.
     */
    public NDArray forward(NDArray input, boolean training) {
        return forward(input, training, Map.of());
    }

    /**
     * As {@link #forward(NDArray, boolean)}, with the outputs of some nodes multiplied by a gate
     * ({@code (N, C, 1, 1)} for images, {@code (N, C)} for features). A gate of ones that requires
     * gradients leaves the result unchanged and receives, per sample and channel, the sum of
     * activation × gradient: what activation-based Taylor importance needs.
     */
    public NDArray forward(NDArray input, boolean training, Map<String, NDArray> gates) {
        return forward(input, training, gates, (node, output) -> {});
    }

    /**
     * As {@link #forward(NDArray, boolean, Map)}, showing every intermediate (the input under the
     * graph's input name, then each node's output) to {@code observer} before it can be released;
     * the observer must not keep the arrays. Activation-based criteria read statistics this way.
     */
    public NDArray forward(NDArray input, boolean training, Map<String, NDArray> gates,
            BiConsumer<String, NDArray> observer) {
        List<Node> nodes = graph.nodes();
        Map<String, NDArray> live = new HashMap<>();
        NDArray x = channelsLast && input.getShape().dimension() == 4 ? ChannelsLast.convert(input) : input;
        live.put(graph.inputName(), x);
        observer.accept(graph.inputName(), x);
        List<NDArray> args = new ArrayList<>(4);
        NDArray result = null;
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            args.clear();
            for (String in : node.inputs()) {
                args.add(live.get(in));
            }
            Map<String, Parameter> own = parameters.get(node.name());
            NDArray out = node.op().forward(args, name -> {
                Parameter p = own.get(name);
                return p == null ? null : p.value();
            }, training);
            NDArray gate = gates.get(node.name());
            if (gate != null) {
                try (NDArray ungated = out) {
                    out = ungated.mul(gate);
                }
            }
            live.put(node.name(), out);
            observer.accept(node.name(), out);
            if (node.name().equals(graph.outputName())) {
                result = out;
            }
            releaseInputsLastUsedAt(i, node, live);
        }
        if (x != input) {
            x.close();
        }
        return result;
    }

    private void releaseInputsLastUsedAt(int index, Node node, Map<String, NDArray> live) {
        for (String in : node.inputs()) {
            if (in.equals(graph.inputName()) || in.equals(graph.outputName())) {
                continue;
            }
            Integer producer = indexOf.get(in);
            if (lastUse[producer] == index) {
                NDArray a = live.remove(in);
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /** Every parameter and buffer in graph order. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Map<String, Parameter> own : parameters.values()) {
            all.addAll(own.values());
        }
        return all;
    }

    /** The parameters the optimizer updates (not buffers). */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.trainable()) {
                out.add(p);
            }
        }
        return out;
    }

    /** A node's parameters by name (empty for ops without any). */
    public Map<String, Parameter> parametersOf(String node) {
        Map<String, Parameter> own = parameters.get(node);
        if (own == null) {
            throw new IllegalArgumentException("model has no node '" + node + "'");
        }
        return Collections.unmodifiableMap(own);
    }

    public Parameter parameter(String node, String name) {
        Parameter p = parametersOf(node).get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "node '" + node + "' has no parameter '" + name + "'; it has " + parametersOf(node).keySet());
        }
        return p;
    }

    /** Number of scalars in trainable parameters (buffers excluded). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : trainableParameters()) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * Replaces the architecture and its parameters at once (pruning, loading). Every node of the
     * graph must come with exactly the parameters its op declares, with matching shapes and the
     * declared trainable/buffer role. Old arrays that are not part of the new structure are closed.
     */
    public void setStructure(Graph newGraph, Map<String, Map<String, Parameter>> newParameters) {
        Set<String> nodeNames = new HashSet<>();
        newGraph.nodes().forEach(n -> nodeNames.add(n.name()));
        for (String node : newParameters.keySet()) {
            if (!nodeNames.contains(node)) {
                throw new IllegalArgumentException(
                        "parameters are given for node '" + node + "', which the graph does not have");
            }
        }
        for (Node node : newGraph.nodes()) {
            Map<String, Parameter> own = newParameters.getOrDefault(node.name(), Map.of());
            List<ParamSpec> specs = node.op().parameters(newGraph.inputShapesOf(node));
            if (own.size() != specs.size()) {
                throw new IllegalArgumentException("node '" + node.name() + "' needs parameters "
                        + specs.stream().map(ParamSpec::name).toList() + ", got " + own.keySet());
            }
            for (ParamSpec spec : specs) {
                Parameter p = own.get(spec.name());
                Shape actual = p == null ? null : p.value().getShape();
                if (!spec.shape().equals(actual)) {
                    throw new IllegalArgumentException("parameter '" + node.name() + "." + spec.name()
                            + "' must have shape " + spec.shape() + ", got " + actual);
                }
                if (p.trainable() != spec.trainable()) {
                    throw new IllegalArgumentException("parameter '" + node.name() + "." + spec.name()
                            + "' must be " + (spec.trainable() ? "trainable" : "a buffer"));
                }
            }
        }
        Set<NDArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        newParameters.values().forEach(own -> own.values().forEach(p -> kept.add(p.value())));
        if (parameters != null) {
            for (Parameter old : parameters()) {
                if (!kept.contains(old.value())) {
                    old.value().close();
                }
            }
        }
        channelsLast = channelsLastSetting != null ? channelsLastSetting : convChannelsDivisibleBy(newGraph, 8);
        if (channelsLast) {
            for (Map<String, Parameter> own : newParameters.values()) {
                for (Parameter p : own.values()) {
                    if (p.value().getShape().dimension() == 4) {
                        p.setValue(ChannelsLast.convertDetached(p.value()));
                    }
                }
            }
        }
        this.graph = newGraph;
        this.parameters = new LinkedHashMap<>();
        for (Node node : newGraph.nodes()) {
            this.parameters.put(node.name(), new LinkedHashMap<>(newParameters.getOrDefault(node.name(), Map.of())));
        }
        this.indexOf = new HashMap<>();
        List<Node> nodes = newGraph.nodes();
        this.lastUse = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            indexOf.put(nodes.get(i).name(), i);
            lastUse[i] = -1;
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                Integer producer = indexOf.get(in);
                if (producer != null) {
                    lastUse[producer] = i;
                }
            }
        }
    }

    /** Whether 4-D weights and activations use channels-last memory for the current structure. */
    public boolean channelsLast() {
        return channelsLast;
    }

    /**
     * Channels-last convolutions are fast when channel counts fit the CPU kernels' blocks and
     * slow otherwise (measured: a ResNet-20 pruned to 11/22/45 channels trained at 474 images/s
     * channels-last, 623 contiguous; the dense 16/32/64 one at 688 and 516).
     */
    private static boolean convChannelsDivisibleBy(Graph graph, int n) {
        for (Node node : graph.nodes()) {
            if (node.op() instanceof org.prune4j.graph.ops.Conv2dOp conv) {
                long in = graph.shapeOf(node.inputs().get(0)).get(0);
                boolean firstLayer = node.inputs().get(0).equals(graph.inputName());
                if (conv.outChannels() % n != 0 || (!firstLayer && in % n != 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Creates a parameter owned by this model's manager (for loaders and pruners). */
    public Parameter newParameter(String node, String name, boolean trainable, NDArray value) {
        value.attach(manager);
        return new Parameter(node, name, trainable, value);
    }

    @Override
    public void close() {
        manager.close();
    }

    /** {@code setGraph} is required; seed 0 and float32 are the defaults. */
    public static final class Builder {
        private Graph graph;
        private long seed;
        private DataType dataType = DataType.FLOAT32;
        private Provenance provenance;
        private Boolean channelsLast = channelsLastProperty();

        private Builder() {}

        private static Boolean channelsLastProperty() {
            String v = System.getProperty("prune4j.channelsLast", "auto");
            return v.equals("auto") ? null : Boolean.valueOf(v);
        }

        /**
         * Keeps 4-D weights and activations in channels-last memory. Default "auto": on when every
         * conv's channel counts are multiples of 8 (system property {@code prune4j.channelsLast}
         * = true, false or auto overrides it). Results are the same either way.
         */
        public Builder optChannelsLast(boolean channelsLast) {
            this.channelsLast = channelsLast;
            return this;
        }

        public Builder setGraph(Graph graph) {
            this.graph = graph;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** FLOAT64 is for gradient checks; training uses FLOAT32. */
        public Builder optDataType(DataType dataType) {
            this.dataType = dataType;
            return this;
        }

        public Builder optProvenance(Provenance provenance) {
            this.provenance = provenance;
            return this;
        }

        public Model build() {
            if (graph == null) {
                throw new IllegalArgumentException("Model needs a graph: call setGraph");
            }
            if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
                throw new IllegalArgumentException("data type must be float32 or float64, got " + dataType);
            }
            return new Model(this);
        }
    }
}
