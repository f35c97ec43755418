package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss gradient of a group's producing weights as a matrix: one row per channel of the group,
 * holding the gradient of every weight that channel's filters own (the output side of each conv
 * or linear layer writing one of the group's spaces; vectors such as biases and BN scales left
 * out), averaged over the calibration batches. Its spectrum says in how many directions training
 * still moves the layer.
 */
public final class GradientMatrix {

    private GradientMatrix() {}

    /** For each group, the (channels × owned weights) mean gradient over the calibration batches. */
    public static Map<Group, double[][]> of(Model model, List<Group> groups, Calibration data) {
        Map<Group, List<GroupSlices.Slice>> producing = new LinkedHashMap<>();
        for (Group g : groups) {
            List<GroupSlices.Slice> rows = new ArrayList<>();
            for (GroupSlices.Slice s : GroupSlices.of(model, g)) {
                Parameter p = model.parameter(s.node(), s.parameter());
                if (s.space().equals(s.node()) && p.value().getShape().dimension() >= 2) { // output side, a matrix
                    rows.add(s);
                }
            }
            producing.put(g, rows);
        }
        Map<String, Parameter> read = new LinkedHashMap<>();
        producing.values().forEach(slices -> slices.forEach(
                s -> read.putIfAbsent(s.node() + "/" + s.parameter(), model.parameter(s.node(), s.parameter()))));
        Map<String, double[]> sum = new HashMap<>();
        int[] batches = new int[1];
        data.forEachBackward(model, Calibration.Gates.NONE, 1, gates -> {
            read.values().forEach(p -> {
                try (NDArray g = p.value().getGradient()) {
                    sum.merge(p.fullName(), BatchGradient.doubles(g), GradientMatrix::addInto);
                }
            });
            batches[0]++;
        });
        Map<Group, double[][]> out = new LinkedHashMap<>();
        producing.forEach((g, slices) -> out.put(g, rows(model, g, slices, sum, batches[0])));
        return out;
    }

    private static double[] addInto(double[] acc, double[] x) {
        for (int i = 0; i < x.length; i++) {
            acc[i] += x[i];
        }
        return acc;
    }

    private static double[][] rows(Model model, Group g, List<GroupSlices.Slice> slices, Map<String, double[]> sum,
            int batches) {
        List<List<Double>> rows = new ArrayList<>();
        for (int k = 0; k < g.size(); k++) {
            rows.add(new ArrayList<>());
        }
        for (GroupSlices.Slice s : slices) {
            Parameter p = model.parameter(s.node(), s.parameter());
            double[] grad = sum.get(p.fullName());
            long[] dims = p.value().getShape().getShape();
            for (int k = 0; k < g.size(); k++) {
                List<Double> row = rows.get(k);
                for (int idx : g.indicesIn(s.space(), k)) {
                    forEachOnAxis(dims, s.axis(), idx, i -> row.add(grad[i] / batches));
                }
            }
        }
        int width = rows.stream().mapToInt(List::size).max().orElse(0);
        double[][] m = new double[g.size()][width];
        for (int k = 0; k < g.size(); k++) {
            List<Double> row = rows.get(k);
            for (int j = 0; j < row.size(); j++) {
                m[k][j] = row.get(j);
            }
        }
        return m;
    }

    /** Calls {@code f} with the flat index of every element whose coordinate on {@code axis} is {@code idx}. */
    private static void forEachOnAxis(long[] dims, int axis, int idx, java.util.function.IntConsumer f) {
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= dims[d];
        }
        for (long o = 0; o < outer; o++) {
            long base = (o * dims[axis] + idx) * inner;
            for (long j = 0; j < inner; j++) {
                f.accept((int) (base + j));
            }
        }
    }
}
