package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.engine.Engines;
import org.prune4j.engine.Scalars;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.train.Loss;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The batches data-driven criteria see: {@code batches} of the loader's first epoch after the
 * first {@code skip} (none by default), and the one loop that runs the model on them (forward, or
 * forward and backward).
 */
public record Calibration(DataLoader loader, int batches, int skip) {

    public Calibration(DataLoader loader, int batches) {
        this(loader, batches, 0);
    }

    public Calibration {
        if (skip < 0) {
            throw new IllegalArgumentException("calibration cannot skip " + skip + " batches");
        }
        if (loader == null) {
            throw new IllegalArgumentException("calibration needs a data loader");
        }
        if (batches < 1) {
            throw new IllegalArgumentException("calibration batches must be at least 1, got " + batches);
        }
    }

    /** As many batches again, the ones after these: a slice held out from what a criterion saw. */
    public Calibration heldOut() {
        return new Calibration(loader, batches, skip + batches);
    }

    /**
     * Runs {@code body} on each batch (images in the model's data type, labels) inside its own
     * NDManager, freed afterwards.
     */
    public void forEach(Model model, BiConsumer<NDManager, NDList> body) {
        int seen = 0;
        for (Batch batch : loader.epoch(0)) {
            if (seen++ < skip) {
                continue;
            }
            if (seen > skip + batches) {
                break;
            }
            try (NDManager step = model.manager().newSubManager()) {
                NDList xy = batch.toNDList(step);
                if (xy.get(0).getDataType() != model.dataType()) { // a float64 model (gradient checks)
                    xy.set(0, xy.get(0).toType(model.dataType(), false));
                }
                body.accept(step, xy);
            }
        }
    }

    /** The shape of a per-sample, per-channel gate on {@code node}'s output: (N, C, 1, 1) for images, (N, F) for features. */
    public static Shape gateShape(Model model, String node, long batchSize) {
        long[] s = model.graph().shapeOf(node).getShape();
        return s.length == 3 ? new Shape(batchSize, s[0], 1, 1) : new Shape(batchSize, s[0]);
    }

    /** Makes the gates of one batch (see {@link Model#forward(NDArray, boolean, Map)}); none by default. */
    @FunctionalInterface
    public interface Gates {
        Map<String, NDArray> make(NDManager step, int batchSize);

        Gates NONE = (step, batchSize) -> Map.of();
    }

    /**
     * For each batch: forward in eval mode (batch-norm statistics stay put) with {@code gates},
     * cross-entropy of the logits divided by {@code temperature}, backward; then
     * {@code afterBackward} reads the gradients (of the parameters and of the gates), which are
     * zeroed afterwards.
     */
    public void forEachBackward(Model model, Gates gates, double temperature,
            Consumer<Map<String, NDArray>> afterBackward) {
        List<Parameter> trainable = model.trainableParameters();
        forEach(model, (step, xy) -> {
            Map<String, NDArray> g = gates.make(step, (int) xy.get(0).getShape().get(0));
            try (GradientCollector gc = Engines.get().newGradientCollector()) {
                NDArray logits = model.forward(xy.get(0), false, g);
                gc.backward(Loss.crossEntropy(temperature == 1 ? logits : Scalars.dividedBy(logits, temperature), xy.get(1)));
            }
            afterBackward.accept(g);
            trainable.forEach(p -> Engines.zeroGradient(p.value()));
        });
    }
}
