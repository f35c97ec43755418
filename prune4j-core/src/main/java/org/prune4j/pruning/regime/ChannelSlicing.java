package org.prune4j.pruning.regime;

import ai.djl.ndarray.NDArray;

import org.prune4j.criterion.GroupSlices;
import org.prune4j.dependency.Group;
import org.prune4j.engine.Engines;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights each channel of a model's groups owns, element by element, so that a regime can
 * give every channel its own value (a penalty factor, a mask) and turn them into arrays shaped
 * like the parameters. Channels are numbered 0..{@link #count()} in group order and named by
 * their group's root, which stays the same while the model trains unpruned.
 */
final class ChannelSlicing {

    /** One parameter axis a group's channels index: per index on the axis, the channel id (-1: none). */
    private record Axis(int axis, int[] channelOfIndex) {}

    private final Model model;
    private final Map<String, Integer> firstId = new LinkedHashMap<>(); // group root -> id of its channel 0
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private final Map<Parameter, List<Axis>> axes = new LinkedHashMap<>();
    private final int count;

    /** All the weights each channel owns (its filters, norm scales and readers), or with {@code readersOnly} only the readers. */
    ChannelSlicing(Model model, List<Group> groups, boolean readersOnly) {
        this.model = model;
        int next = 0;
        for (Group g : groups) {
            firstId.put(g.root(), next);
            sizes.put(g.root(), g.size());
            for (GroupSlices.Slice s : GroupSlices.of(model, g)) {
                boolean reader = !s.space().equals(s.node());
                if (readersOnly && !reader) {
                    continue;
                }
                Parameter p = model.parameter(s.node(), s.parameter());
                int[] channelOf = new int[(int) p.value().getShape().get(s.axis())];
                Arrays.fill(channelOf, -1);
                for (int k = 0; k < g.size(); k++) {
                    for (int i : g.indicesIn(s.space(), k)) {
                        channelOf[i] = next + k;
                    }
                }
                axes.computeIfAbsent(p, x -> new ArrayList<>()).add(new Axis(s.axis(), channelOf));
            }
            next += g.size();
        }
        this.count = next;
    }

    int count() {
        return count;
    }

    /** The id of channel {@code k} of the group rooted at {@code root}. */
    int id(String root, int k) {
        Integer first = firstId.get(root);
        if (first == null || k < 0 || k >= sizes.get(root)) {
            throw new IllegalArgumentException("no channel " + k + " in group " + root);
        }
        return first + k;
    }

    /** The ids of a removal (by group root and channel index). */
    boolean[] chosen(Map<Group, int[]> removal) {
        boolean[] out = new boolean[count];
        removal.forEach((g, ks) -> {
            for (int k : ks) {
                out[id(g.root(), k)] = true;
            }
        });
        return out;
    }

    /** Each group's channel ids, by root: {first id, channels}. */
    Map<String, int[]> ranges() {
        Map<String, int[]> out = new LinkedHashMap<>();
        firstId.forEach((root, first) -> out.put(root, new int[] {first, sizes.get(root)}));
        return out;
    }

    /** The parameters some channel owns. */
    List<Parameter> parameters() {
        return new ArrayList<>(axes.keySet());
    }

    /** Which value an element owned by two channels (a conv reading one group and writing another) gets. */
    enum Overlap { SMALLEST, LARGEST }

    /**
     * For each parameter, an array shaped like it: {@code value[channel]} on the elements a channel
     * owns (the smallest or largest when two channels own one element: a mask drops an element if
     * either channel is dropped, a penalty applies if either channel is penalized), {@code outside}
     * on the others.
     */
    Map<Parameter, NDArray> perElement(double[] value, float outside, Overlap overlap) {
        Map<Parameter, NDArray> out = new LinkedHashMap<>();
        axes.forEach((p, list) -> {
            long[] dims = p.value().getShape().getShape();
            float[] a = new float[(int) p.value().size()];
            Arrays.fill(a, Float.NaN);
            for (Axis x : list) {
                long inner = 1;
                for (int d = x.axis() + 1; d < dims.length; d++) {
                    inner *= dims[d];
                }
                for (int e = 0; e < a.length; e++) {
                    int c = x.channelOfIndex()[(int) ((e / inner) % dims[x.axis()])];
                    if (c >= 0 && (Float.isNaN(a[e]) || (overlap == Overlap.SMALLEST ? value[c] < a[e] : value[c] > a[e]))) {
                        a[e] = (float) value[c];
                    }
                }
            }
            for (int e = 0; e < a.length; e++) {
                if (Float.isNaN(a[e])) {
                    a[e] = outside;
                }
            }
            out.put(p, Engines.create(model.manager(), a, p.value().getShape()).toType(p.value().getDataType(), false));
        });
        return out;
    }

    /** Per channel, the squared L2 norm of the weights it owns. */
    double[] squaredNorms() {
        double[] out = new double[count];
        axes.forEach((p, list) -> {
            long[] dims = p.value().getShape().getShape();
            float[] w = p.value().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            for (Axis x : list) {
                long inner = 1;
                for (int d = x.axis() + 1; d < dims.length; d++) {
                    inner *= dims[d];
                }
                for (int e = 0; e < w.length; e++) {
                    int c = x.channelOfIndex()[(int) ((e / inner) % dims[x.axis()])];
                    if (c >= 0) {
                        out[c] += (double) w[e] * w[e];
                    }
                }
            }
        });
        return out;
    }
}
