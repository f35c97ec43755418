package org.prune4j.graph;

import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.ConcatOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.DropoutOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.ChannelShuffleOp;
import org.prune4j.graph.ops.AddConstantOp;
import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.graph.ops.LayerNormOp;
import org.prune4j.graph.ops.PrependTokensOp;
import org.prune4j.graph.ops.SelectTokenOp;
import org.prune4j.graph.ops.SpatialFlattenOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.StridedSliceOp;
import org.prune4j.graph.ops.WindowAttentionOp;
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;

import org.prune4j.plugin.Plugins;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The op types, by name and by class, each with its {@link OpDescriptor}: checkpoints rebuild
 * ops by name, structured pruning finds their channel rules by class. The built-in ops are
 * listed here; {@link #register} (or a {@link org.prune4j.plugin.Prune4jPlugin}) adds others.
 */
public final class OpRegistry {

    private static final Map<String, OpDescriptor> BY_TYPE = new TreeMap<>();
    private static final Map<Class<? extends Op>, OpDescriptor> BY_CLASS = new HashMap<>();

    static {
        for (OpDescriptor d : List.of(Conv2dOp.DESCRIPTOR, BatchNormOp.DESCRIPTOR, LinearOp.DESCRIPTOR,
                ActivationOp.DESCRIPTOR, Pool2dOp.DESCRIPTOR, GlobalAvgPoolOp.DESCRIPTOR, FlattenOp.DESCRIPTOR,
                AddOp.DESCRIPTOR, MulOp.DESCRIPTOR, ConcatOp.DESCRIPTOR, DropoutOp.DESCRIPTOR, IdentityOp.DESCRIPTOR,
                ScaleShiftOp.DESCRIPTOR, SoftmaxOp.DESCRIPTOR, ChannelShuffleOp.DESCRIPTOR, ChannelAffineOp.DESCRIPTOR,
                SliceOp.DESCRIPTOR, LayerNormOp.DESCRIPTOR, SpatialFlattenOp.DESCRIPTOR, AddConstantOp.DESCRIPTOR,
                PrependTokensOp.DESCRIPTOR, SelectTokenOp.DESCRIPTOR, AttentionOp.DESCRIPTOR,
                WindowAttentionOp.DESCRIPTOR, StridedSliceOp.DESCRIPTOR)) {
            add(d);
        }
    }

    private OpRegistry() {}

    /**
     * Makes an op type known to checkpoints (by its type name) and to structured pruning (its
     * channel rule). A type name or class that is registered already is refused.
     */
    public static void register(OpDescriptor descriptor) {
        Plugins.load();
        synchronized (OpRegistry.class) {
            if (BY_TYPE.containsKey(descriptor.type()) || BY_CLASS.containsKey(descriptor.opClass())) {
                throw new IllegalArgumentException("op type '" + descriptor.type() + "' (" + descriptor.opClass().getName()
                        + ") is registered already");
            }
            add(descriptor);
        }
    }

    private static void add(OpDescriptor d) {
        BY_TYPE.put(d.type(), d);
        BY_CLASS.put(d.opClass(), d);
    }

    /** The registered op type names. */
    public static Set<String> types() {
        Plugins.load();
        synchronized (OpRegistry.class) {
            return Set.copyOf(BY_TYPE.keySet());
        }
    }

    /** The descriptor of an op's type. */
    public static OpDescriptor descriptorOf(Op op) {
        Plugins.load();
        synchronized (OpRegistry.class) {
            OpDescriptor d = BY_CLASS.get(op.getClass());
            if (d == null) {
                throw new IllegalArgumentException("op type '" + op.type() + "' (" + op.getClass().getName()
                        + ") is not registered: OpRegistry.register(its DESCRIPTOR) makes it known");
            }
            return d;
        }
    }

    /** A new op of {@code type} from its attributes (what checkpoints store). */
    public static Op create(String type, Map<String, ?> attributes) {
        Plugins.load();
        synchronized (OpRegistry.class) {
            OpDescriptor d = BY_TYPE.get(type);
            if (d == null) {
                throw new IllegalArgumentException(
                        "unknown op type '" + type + "'; known types are " + BY_TYPE.keySet());
            }
            return d.fromAttributes().apply(new Attributes(type, attributes));
        }
    }

    /** Typed access to an op's attribute map, with errors naming the op and attribute. */
    public record Attributes(String type, Map<String, ?> values) {

        public int getInt(String key) {
            return number(key).intValue();
        }

        public double getDouble(String key) {
            return number(key).doubleValue();
        }

        public boolean getBoolean(String key) {
            Object v = require(key);
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrongType(key, "a boolean", v);
        }

        public String getString(String key) {
            return String.valueOf(require(key));
        }

        public int[] getInts(String key) {
            Object v = require(key);
            if (v instanceof int[] a) {
                return a.clone();
            }
            if (v instanceof java.util.List<?> list) {
                int[] out = new int[list.size()];
                for (int i = 0; i < out.length; i++) {
                    if (!(list.get(i) instanceof Number n)) {
                        throw wrongType(key, "a list of integers", v);
                    }
                    out[i] = n.intValue();
                }
                return out;
            }
            throw wrongType(key, "a list of integers", v);
        }

        private Number number(String key) {
            Object v = require(key);
            if (v instanceof Number n) {
                return n;
            }
            throw wrongType(key, "a number", v);
        }

        private Object require(String key) {
            Object v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException(
                        "op '" + type + "' needs attribute '" + key + "'; got " + values.keySet());
            }
            return v;
        }

        private IllegalArgumentException wrongType(String key, String expected, Object v) {
            return new IllegalArgumentException(
                    "op '" + type + "' attribute '" + key + "' must be " + expected + ", got " + v);
        }
    }
}
