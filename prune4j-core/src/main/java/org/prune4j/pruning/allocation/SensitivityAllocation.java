package org.prune4j.pruning.allocation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.prune4j.criterion.Calibration;
import org.prune4j.criterion.RemovalGates;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.train.Loss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sensitivity analysis (the seed paper's layer importance; also Li et al., "Pruning Filters for
 * Efficient ConvNets", ICLR 2017): each group alone loses 10%, 20%, ... 100% of its channels (the
 * lowest-scored by the criterion, removed exactly by {@link RemovalGates}), and the loss and
 * accuracy are measured on a slice of the training data the criterion did not see (the batches
 * after its calibration batches). Each group then loses the largest share whose loss increase
 * stays within one tolerance shared by all groups, the smallest tolerance that meets the target
 * ({@link SensitivityCurves}). Costs groups × 10 forward passes per held-out batch.
 */
public final class SensitivityAllocation implements Allocation {

    public static final String NAME = "sensitivity";
    private static final double[] RATIOS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean usesData() {
        return true;
    }

    @Override
    public Levels levels(AllocationContext context) {
        Calibration heldOut = context.requireData(NAME, "measures each layer's loss when pruned alone").heldOut();
        Model model = context.model();
        List<Group> groups = new ArrayList<>(context.scores().keySet());
        double[][] loss = new double[groups.size()][RATIOS.length];
        long[][] correct = new long[groups.size()][RATIOS.length];
        double[] base = new double[1];
        long[] baseCorrect = new long[1];
        long[] samples = new long[1];
        int[][][] removed = new int[groups.size()][RATIOS.length][]; // the same channels in every batch
        for (int g = 0; g < groups.size(); g++) {
            for (int r = 0; r < RATIOS.length; r++) {
                removed[g][r] = context.lowest(groups.get(g), (int) Math.floor(RATIOS[r] * groups.get(g).size() + 1e-9));
            }
        }
        heldOut.forEach(model, (step, xy) -> {
            Measured m = measure(model, step, xy, Map.of());
            base[0] += m.loss();
            baseCorrect[0] += m.correct();
            samples[0] += xy.get(0).getShape().get(0);
            for (int g = 0; g < groups.size(); g++) {
                Group group = groups.get(g);
                for (int r = 0; r < RATIOS.length; r++) {
                    try (NDManager gates = step.newSubManager()) {
                        Measured pruned = measure(model, step, xy, RemovalGates.of(model, gates, group, removed[g][r]));
                        loss[g][r] += pruned.loss();
                        correct[g][r] += pruned.correct();
                    }
                }
            }
        });
        if (samples[0] == 0) {
            throw new IllegalArgumentException("allocation '" + NAME + "' found no held-out batches: the data has no "
                    + "batches after the " + (heldOut.skip()) + " calibration batches; use fewer calibration batches");
        }
        Map<Group, double[]> increase = new LinkedHashMap<>();
        Map<String, Object> curves = new TreeMap<>();
        for (int g = 0; g < groups.size(); g++) {
            double[] inc = new double[RATIOS.length];
            List<Map<String, Object>> points = new ArrayList<>();
            for (int r = 0; r < RATIOS.length; r++) {
                inc[r] = (loss[g][r] - base[0]) / samples[0];
                points.add(Map.of("ratio", RATIOS[r], "lossIncrease", inc[r],
                        "accuracy", correct[g][r] / (double) samples[0]));
            }
            increase.put(groups.get(g), inc);
            curves.put(groups.get(g).root(), points);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("heldOutSamples", samples[0]);
        report.put("loss", base[0] / samples[0]);
        report.put("accuracy", baseCorrect[0] / (double) samples[0]);
        report.put("curves", curves);
        return new SensitivityCurves(RATIOS, increase).levels(report);
    }

    private record Measured(double loss, long correct) {}

    /** Summed cross-entropy and correct predictions of one batch, in eval mode. */
    private static Measured measure(Model model, NDManager step, NDList xy, Map<String, NDArray> gates) {
        try (NDManager scope = step.newSubManager()) {
            NDArray logits = model.forward(xy.get(0), false, gates);
            logits.attach(scope);
            long n = xy.get(0).getShape().get(0);
            try (NDArray mean = Loss.crossEntropy(logits, xy.get(1))) {
                return new Measured(mean.toType(DataType.FLOAT64, false).getDouble() * n,
                        Loss.correctInTopK(logits, xy.get(1), 1));
            }
        }
    }
}
