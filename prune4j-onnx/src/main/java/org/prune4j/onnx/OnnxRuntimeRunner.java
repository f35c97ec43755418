package org.prune4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Runs an ONNX file in ONNX Runtime (CPU): outputs for an input batch, accuracy over a data
 * loader, and latency (median of repeated runs). What deployment would see, independent of
 * prune4j's own engine.
 */
public final class OnnxRuntimeRunner implements AutoCloseable {

    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final long[] perSampleShape;
    private final int fixedBatch;

    private OnnxRuntimeRunner(Path file, OrtEnvironment env, OrtSession session) throws OrtException {
        this.file = file;
        this.env = env;
        this.session = session;
        Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
        this.inputName = input.getKey();
        if (!(input.getValue().getInfo() instanceof TensorInfo info)) {
            throw new IllegalArgumentException("input '" + inputName + "' is not a tensor");
        }
        long[] shape = info.getShape();
        this.perSampleShape = Arrays.copyOfRange(shape, 1, shape.length);
        this.fixedBatch = shape.length > 0 && shape[0] > 0 ? (int) shape[0] : 0;
        if (Arrays.stream(perSampleShape).anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("input '" + inputName + "' has a dynamic per-sample shape "
                    + Arrays.toString(shape) + "; only the batch dimension may be dynamic");
        }
    }

    /** Opens a session with {@code threads} intra-op threads (0: ONNX Runtime's default). */
    public static OnnxRuntimeRunner open(Path file, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
            }
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(file.toString(), options);
            return new OnnxRuntimeRunner(file, env, session);
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // the load already failed; that is the error to report
                }
            }
            throw new IllegalArgumentException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    public long[] perSampleShape() {
        return perSampleShape.clone();
    }

    /** The batch size the file's input fixes (PyTorch's exporter writes 1 unless told otherwise), or 0 if dynamic. */
    public int fixedBatch() {
        return fixedBatch;
    }

    /**
     * The first output for a batch of {@code batch} samples, flattened. A file with a fixed batch
     * runs the samples in slices of that size (the last one padded with zeros and its padding's
     * outputs dropped), so accuracy works on any file; latency should ask for the fixed batch.
     */
    public float[] run(float[] input, int batch) {
        if (fixedBatch == 0 || batch == fixedBatch) {
            return runOnce(input, batch);
        }
        int perSample = input.length / batch;
        float[] out = null;
        int outPerSample = 0;
        for (int from = 0; from < batch; from += fixedBatch) {
            int n = Math.min(fixedBatch, batch - from);
            float[] slice = Arrays.copyOfRange(input, from * perSample, (from + fixedBatch) * perSample); // zero-padded
            float[] o = runOnce(slice, fixedBatch);
            if (out == null) {
                outPerSample = o.length / fixedBatch;
                out = new float[batch * outPerSample];
            }
            System.arraycopy(o, 0, out, from * outPerSample, n * outPerSample);
        }
        return out;
    }

    private float[] runOnce(float[] input, int batch) {
        long[] shape = new long[perSampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(perSampleShape, 0, shape, 1, perSampleShape.length);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer values = out.getFloatBuffer();
            float[] flat = new float[values.remaining()];
            values.get(flat);
            return flat;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
        }
    }

    /** Top-1 accuracy over every batch of the loader (its first epoch). */
    public double accuracy(DataLoader loader) {
        long correct = 0;
        long seen = 0;
        for (Batch b : loader.epoch(0)) {
            float[] logits = run(Arrays.copyOf(b.images(), b.size() * b.channels() * b.height() * b.width()), b.size());
            int classes = logits.length / b.size();
            for (int i = 0; i < b.size(); i++) {
                int best = 0;
                for (int k = 1; k < classes; k++) {
                    if (logits[i * classes + k] > logits[i * classes + best]) {
                        best = k;
                    }
                }
                correct += best == b.labels()[i] ? 1 : 0;
            }
            seen += b.size();
        }
        return correct / (double) seen;
    }

    /** Median latency in milliseconds of one forward of a random batch. */
    public double medianMillis(int batch, int warmup, int repeats) {
        if (batch < 1 || repeats < 1 || warmup < 0) {
            throw new IllegalArgumentException("batch and repeats must be positive, warm-up non-negative");
        }
        long size = batch;
        for (long d : perSampleShape) {
            size *= d;
        }
        float[] input = new float[(int) size];
        Random rng = new Random(0);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) rng.nextGaussian();
        }
        double[] times = new double[repeats];
        for (int r = -warmup; r < repeats; r++) {
            long start = System.nanoTime();
            run(input, batch);
            if (r >= 0) {
                times[r] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(times);
        return times[repeats / 2];
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session of " + file, e);
        }
    }
}
