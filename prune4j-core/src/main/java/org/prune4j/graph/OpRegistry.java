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
import org.prune4j.graph.ops.IdentityOp;
import org.prune4j.graph.ops.ScaleShiftOp;
import org.prune4j.graph.ops.SoftmaxOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.MulOp;
import org.prune4j.graph.ops.Pool2dOp;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Finds an op type by its name and rebuilds it from its attributes (used by checkpoints). */
public final class OpRegistry {

    private static final Map<String, Function<Attributes, Op>> FACTORIES = new TreeMap<>();

    static {
        register(Conv2dOp.TYPE, Conv2dOp::fromAttributes);
        register(BatchNormOp.TYPE, BatchNormOp::fromAttributes);
        register(LinearOp.TYPE, LinearOp::fromAttributes);
        register(ActivationOp.TYPE, ActivationOp::fromAttributes);
        register(Pool2dOp.TYPE, Pool2dOp::fromAttributes);
        register(GlobalAvgPoolOp.TYPE, GlobalAvgPoolOp::fromAttributes);
        register(FlattenOp.TYPE, a -> new FlattenOp());
        register(AddOp.TYPE, a -> new AddOp());
        register(MulOp.TYPE, a -> new MulOp());
        register(ConcatOp.TYPE, a -> new ConcatOp());
        register(DropoutOp.TYPE, DropoutOp::fromAttributes);
        register(IdentityOp.TYPE, a -> new IdentityOp());
        register(ScaleShiftOp.TYPE, ScaleShiftOp::fromAttributes);
        register(SoftmaxOp.TYPE, a -> new SoftmaxOp());
        register(ChannelShuffleOp.TYPE, ChannelShuffleOp::fromAttributes);
        register(ChannelAffineOp.TYPE, a -> new ChannelAffineOp());
    }

    private OpRegistry() {}

    /** Makes a new op type loadable from checkpoints. */
    public static synchronized void register(String type, Function<Attributes, Op> factory) {
        FACTORIES.put(type, factory);
    }

    /** The registered op type names. */
    public static synchronized java.util.Set<String> types() {
        return java.util.Set.copyOf(FACTORIES.keySet());
    }

    public static synchronized Op create(String type, Map<String, ?> attributes) {
        Function<Attributes, Op> f = FACTORIES.get(type);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown op type '" + type + "'; known types are " + FACTORIES.keySet());
        }
        return f.apply(new Attributes(type, attributes));
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
