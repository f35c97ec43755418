package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The activations of the groups' activation nodes over the calibration images, one value per
 * example and channel (the mean of a feature map), in the data set's order so that each example's
 * label and protected attribute are known: what information-theoretic criteria estimate from.
 */
final class ChannelActivations {

    private final Map<String, List<float[]>> byNode = new HashMap<>();
    private final List<Integer> labels = new ArrayList<>();
    private final List<Integer> indices = new ArrayList<>();

    /** Records the first {@code data.batches()} batches of the calibration set, unshuffled. */
    static ChannelActivations record(Model model, List<Group> groups, Calibration data) {
        ChannelActivations a = new ChannelActivations();
        Set<String> nodes = new HashSet<>();
        groups.forEach(g -> nodes.addAll(TaylorActivationCriterion.activations(model, g)));
        ImageDataset dataset = data.loader().dataset();
        DataLoader ordered = DataLoader.builder().setDataset(dataset).setBatchSize(data.loader().batchSize())
                .optTransforms(data.loader().transforms()).build();
        int seen = 0;
        for (Batch batch : ordered.epoch(0)) {
            if (seen++ == data.batches()) {
                break;
            }
            for (int i = 0; i < batch.size(); i++) {
                a.labels.add(batch.labels()[i]);
                a.indices.add(a.indices.size());
            }
            try (var step = model.manager().newSubManager()) {
                model.forward(batch.toNDList(step).get(0), false, Map.of(), (node, out) -> {
                    if (nodes.contains(node)) {
                        a.add(node, out, batch.size());
                    }
                }).close();
            }
        }
        return a;
    }

    private void add(String node, NDArray out, int batch) {
        float[] v = out.toType(DataType.FLOAT32, false).toFloatArray();
        int channels = (int) out.getShape().get(1);
        int per = v.length / batch / channels;
        List<float[]> samples = byNode.computeIfAbsent(node, k -> new ArrayList<>());
        for (int n = 0; n < batch; n++) {
            float[] means = new float[channels];
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int p = 0; p < per; p++) {
                    sum += v[(n * channels + c) * per + p];
                }
                means[c] = (float) (sum / per);
            }
            samples.add(means);
        }
    }

    Set<String> nodes() {
        return byNode.keySet();
    }

    /** Per example, per channel. */
    List<float[]> of(String node) {
        return byNode.get(node);
    }

    int[] labels() {
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The data set indices of the recorded examples, in order. */
    int[] indices() {
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Per group channel: the sum over the group's recorded nodes of {@code perChannel}'s values. */
    static float[] perGroupChannel(Model model, Group group, Map<String, double[]> perChannel) {
        float[] scores = new float[group.size()];
        for (String node : TaylorActivationCriterion.activations(model, group)) {
            double[] values = perChannel.get(node);
            if (values == null) {
                continue;
            }
            for (int k = 0; k < scores.length; k++) {
                for (int c : group.indicesIn(node, k)) {
                    scores[k] += (float) values[c];
                }
            }
        }
        return scores;
    }
}
