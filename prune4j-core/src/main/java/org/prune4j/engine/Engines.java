package org.prune4j.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that talks to DJL's PyTorch engine directly: start-up without network access,
 * seeding, gradient zeroing, and the versions recorded in provenance.
 */
public final class Engines {

    private Engines() {}

    /**
     * Returns the engine, started offline (DJL must never download natives or send telemetry;
     * flags the user set explicitly are respected) and in a configuration that computes
     * correctly on this processor ({@link EngineGuard}): the first call may take a few seconds
     * on a new machine, later ones read the cached verdict.
     */
    public static Engine get() {
        EngineGuard.secure();   // not under this class's lock: the guard takes its own, then this one
        return startEngine();
    }

    /** The engine without the guard: for the guard itself. */
    static synchronized Engine startEngine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        return Engine.getInstance();
    }

    /** Seeds the engine's generator (dropout, engine-side random arrays). */
    public static void seed(long seed) {
        get().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /** Sets a parameter's accumulated gradient to zero in place (PyTorch does not do it for us). */
    public static void zeroGradient(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    /**
     * An array holding a copy of {@code values} in engine-owned memory. DJL's {@code create}
     * wraps a Java direct buffer without copying (torch::from_blob); tensors derived from it
     * (views, autograd's saved inputs, a re-wrapped gradient leaf) can outlive that buffer and
     * then read freed memory. Measured: random garbage (1e146..1e248) in float64 gradient checks.
     */
    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        return create(manager, FloatBuffer.wrap(values), shape);
    }

    /** As {@link #create(NDManager, float[], Shape)}, from the buffer's remaining floats. */
    public static NDArray create(NDManager manager, FloatBuffer values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }

    /** As {@link #create(NDManager, float[], Shape)}, for float64. */
    public static NDArray create(NDManager manager, double[] values, Shape shape) {
        try (NDArray wrapped = manager.create(values, shape)) {
            return wrapped.duplicate();
        }
    }

    /** As {@link #create(NDManager, float[], Shape)}, for int64 labels and indices. */
    public static NDArray create(NDManager manager, long[] values) {
        try (NDArray wrapped = manager.create(values)) {
            return wrapped.duplicate();
        }
    }

    /**
     * A dense, row-major copy of {@code a} in {@code manager}. Slices made by advanced indexing
     * can come back with strides that make every later kernel slow (measured: a pruned ResNet-20
     * trained at half the speed of the same architecture built fresh); a copy through Java
     * memory always has the standard layout. Meant for parameters, not for hot paths.
     */
    public static NDArray denseCopy(NDManager manager, NDArray a) {
        if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
            return create(manager, a.toDoubleArray(), a.getShape());
        }
        if (a.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
            throw new IllegalArgumentException("denseCopy supports float32 and float64, got " + a.getDataType());
        }
        return create(manager, a.toFloatArray(), a.getShape());
    }

    /**
     * prune4j, DJL, engine and Java versions, the processor, and the engine configuration with
     * the known-answer check behind it, for provenance.
     */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        String own = Engines.class.getPackage().getImplementationVersion();
        v.put("prune4j", own == null ? "dev" : own);
        v.put("djl", Engine.getDjlVersion());
        Engine e = get();
        v.put("engine", e.getEngineName() + " " + e.getVersion());
        v.put("java", System.getProperty("java.version"));
        EngineGuard.Verdict verdict = EngineGuard.verdict();
        v.put("processor", verdict.processor().summary());
        v.put("engineConfiguration", verdict.provenance());
        return v;
    }
}
