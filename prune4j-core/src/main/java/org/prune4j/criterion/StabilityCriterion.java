package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.prune4j.data.Normalize;
import org.prune4j.data.SampleTransform;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.verification.Box;
import org.prune4j.verification.IntervalBounds;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Neuron stability for certified robustness (after Li et al. 2023): a ReLU whose pre-activation
 * interval under an L∞ ball of radius ε contains 0 is unstable, and unstable ReLUs are what make
 * interval (and exact) verification loose. A channel's score is its L1 weight magnitude times
 * the fraction of its ReLU positions that stay stable over the calibration images, so weak,
 * unstable channels go first and pruning raises the share of stable neurons. ε is in pixel
 * units ([0, 1]); the box is clipped to the valid pixel range through the loader's normalization.
 */
public final class StabilityCriterion implements ChannelCriterion {

    public static final String NAME = "stability";
    /**
     * The default radius, 0.001: where interval bounds still certify part of a normally trained
     * LeNet-5 on Fashion-MNIST (17.6% at 0.001, 0.2% at 0.002; measured, docs/BENCHMARKS.md).
     */
    public static final double DEFAULT_EPSILON = 0.001;

    private final double epsilon;
    private final MagnitudeChannelCriterion magnitude = new MagnitudeChannelCriterion(1);
    private final Map<String, long[]> unstable = new HashMap<>();
    private final Map<String, Long> positions = new HashMap<>();

    public StabilityCriterion(double epsilon) {
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0 but was " + epsilon);
        }
        this.epsilon = epsilon;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public void calibrate(Model model, List<Group> groups, Calibration data) {
        Set<String> preRelu = IntervalBounds.reluInputs(model.graph());
        int channels = (int) model.graph().inputShape().get(0);
        float[][] pixelRange = pixelRange(data, channels);
        data.forEach(model, (step, xy) -> {
            NDArray x = xy.get(0);
            Shape perChannel = x.getShape().dimension() == 4 ? new Shape(1, channels, 1, 1) : new Shape(1, channels);
            NDArray radius = step.create(pixelRange[2]).reshape(perChannel);
            NDArray low = x.sub(radius).maximum(step.create(pixelRange[0]).reshape(perChannel));
            NDArray high = x.add(radius).minimum(step.create(pixelRange[1]).reshape(perChannel));
            IntervalBounds.propagate(model, new Box(low, high), (node, box) -> {
                if (preRelu.contains(node)) {
                    count(node, box);
                }
            });
        });
    }

    /** Per channel: the normalized values of pixel 0 and pixel 1, and ε in normalized units. */
    private float[][] pixelRange(Calibration data, int channels) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        java.util.Arrays.fill(std, 1f);
        for (SampleTransform t : data.loader().transforms()) {
            if (t instanceof Normalize n) {
                mean = n.mean();
                std = n.std();
            }
        }
        float[][] range = new float[3][channels];
        for (int c = 0; c < channels; c++) {
            range[0][c] = (0 - mean[c]) / std[c];
            range[1][c] = (1 - mean[c]) / std[c];
            range[2][c] = (float) (epsilon / std[c]);
        }
        return range;
    }

    private void count(String node, Box box) {
        float[] l = box.lower().toFloatArray();
        float[] u = box.upper().toFloatArray();
        long[] shape = box.lower().getShape().getShape();
        int c = (int) shape[1];
        int per = (int) (box.lower().getShape().size() / shape[0] / c); // positions per channel and example
        long[] counts = unstable.computeIfAbsent(node, k -> new long[c]);
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 && u[i] > 0) {
                counts[(i / per) % c]++;
            }
        }
        positions.merge(node, (long) shape[0] * per, Long::sum);
    }

    /** Unstable share of channel {@code k}'s ReLU positions in the group's pre-activation spaces (0 without any). */
    double unstableShare(Group group, int k) {
        long bad = 0;
        long all = 0;
        for (String space : group.spaces()) {
            long[] counts = unstable.get(space);
            if (counts == null) {
                continue;
            }
            for (int index : group.indicesIn(space, k)) {
                bad += counts[index];
                all += positions.get(space);
            }
        }
        return all == 0 ? 0 : bad / (double) all;
    }

    @Override
    public float[] score(Model model, Group group) {
        float[] scores = magnitude.score(model, group);
        for (int k = 0; k < scores.length; k++) {
            scores[k] *= (float) (1 - unstableShare(group, k));
        }
        return scores;
    }

    @Override
    public Map<String, Object> report() {
        long bad = unstable.values().stream().flatMapToLong(java.util.Arrays::stream).sum();
        long all = 0;
        for (Map.Entry<String, long[]> e : unstable.entrySet()) {
            all += positions.get(e.getKey()) * e.getValue().length;
        }
        return Map.of("epsilon", epsilon, "unstableShareBeforePruning", all == 0 ? 0.0 : bad / (double) all);
    }
}
