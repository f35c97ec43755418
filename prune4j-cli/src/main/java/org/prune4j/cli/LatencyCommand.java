package org.prune4j.cli;

import org.prune4j.onnx.OnnxRuntimeRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j latency a.onnx [b.onnx]}: ONNX Runtime latency side by side. */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = {"ONNX Runtime latency of one or more ONNX files at batch 1 and batch N, side by side: "
                + "median of repeated runs, measured in interleaved rounds so every file sees the same machine state.",
            "The speed-up column is the first file's latency over each file's."})
final class LatencyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "MODEL.onnx")
    List<Path> files;

    @Option(names = "--batch", description = "The larger batch size (default: 128, or the files' fixed batch "
            + "when their input has one).")
    Integer batch;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved rounds (default: 5).")
    int rounds;

    @Option(names = "--data", description = "Also measure top-1 accuracy in ONNX Runtime on this data set's test split.")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    /**
     * The batch sizes to time: 1 and {@code --batch} (default 128) for files with a dynamic batch;
     * a file whose input fixes the batch can only be timed at that batch, so it is the only one,
     * and a different {@code --batch}, or files fixing different batches, are refused.
     */
    private int[] batchSizes(List<OnnxRuntimeRunner> runners) {
        java.util.Map<Integer, Path> fixed = new java.util.TreeMap<>();
        for (int i = 0; i < runners.size(); i++) {
            if (runners.get(i).fixedBatch() > 0) {
                fixed.putIfAbsent(runners.get(i).fixedBatch(), files.get(i));
            }
        }
        if (fixed.isEmpty()) {
            return new int[] {1, batch == null ? 128 : batch};
        }
        int only = fixed.keySet().iterator().next();
        if (fixed.size() > 1 || (batch != null && batch != only)) {
            throw new IllegalArgumentException("the files fix their batch size (" + fixed + (batch != null
                    ? "), so they cannot be timed at --batch " + batch : "), differently")
                    + "; give files with one fixed batch or a dynamic one (prune4j export writes a dynamic batch)");
        }
        return new int[] {only};
    }

    @Override
    public Integer call() {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no such ONNX file: " + f);
            }
        }
        if ((batch != null && batch < 1) || rounds < 1) {
            throw new IllegalArgumentException("--batch and --rounds must be positive, got " + batch + " and " + rounds);
        }
        int threads = common.threads == null ? 0 : common.threads;
        List<OnnxRuntimeRunner> runners = new ArrayList<>();
        try {
            for (Path f : files) {
                runners.add(OnnxRuntimeRunner.open(f, threads));
            }
            int[] batches = batchSizes(runners);
            double[][][] times = new double[files.size()][batches.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < runners.size(); i++) {
                    for (int b = 0; b < batches.length; b++) {
                        times[i][b][r] = batches[b] == 1 ? runners.get(i).medianMillis(1, 10, 51)
                                : runners.get(i).medianMillis(batches[b], 2, 7);
                    }
                }
            }
            org.prune4j.data.DataLoader test = data == null ? null : org.prune4j.train.DataPipeline.evalLoader(data,
                    org.prune4j.data.DataSets.load(data, dataDir, org.prune4j.data.DataSets.Split.TEST));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", files.get(i).toString());
                for (int b = 0; b < batches.length; b++) {
                    row.put("batch" + batches[b] + "Ms", median(times[i][b]));
                    row.put("speedUpBatch" + batches[b], median(times[0][b]) / median(times[i][b]));
                    double lowest = Double.MAX_VALUE;
                    double highest = 0;
                    for (int r = 0; r < rounds; r++) { // the spread: each round's ratio, both timed in that round
                        lowest = Math.min(lowest, times[0][b][r] / times[i][b][r]);
                        highest = Math.max(highest, times[0][b][r] / times[i][b][r]);
                    }
                    row.put("speedUpBatch" + batches[b] + "Range", List.of(lowest, highest));
                }
                if (test != null) {
                    row.put("top1", runners.get(i).accuracy(test));
                }
                rows.add(row);
            }
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("threads", threads);
                out.put("rounds", rounds);
                out.put("batches", batches);
                out.put("models", rows);
                System.out.println(CommonOptions.toJson(out));
            } else {
                System.out.printf("ONNX Runtime, %s threads, median of %d interleaved rounds%n",
                        threads == 0 ? "default" : threads, rounds);
                StringBuilder header = new StringBuilder(String.format("%-50s", "file"));
                for (int b : batches) {
                    header.append(String.format(" %14s %10s", "batch " + b + " ms", "speed-up"));
                }
                System.out.println(header);
                for (Map<String, Object> row : rows) {
                    StringBuilder line = new StringBuilder(String.format("%-50s", row.get("file")));
                    for (int b : batches) {
                        line.append(String.format(" %14.3f %9.2fx", row.get("batch" + b + "Ms"), row.get("speedUpBatch" + b)));
                    }
                    if (row.containsKey("top1")) {
                        line.append(String.format("   top-1 %.2f%%", 100 * (double) row.get("top1")));
                    }
                    System.out.println(line);
                }
            }
        } finally {
            runners.forEach(OnnxRuntimeRunner::close);
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
