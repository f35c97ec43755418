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

    @Option(names = "--batch", defaultValue = "128", description = "The larger batch size (default: 128).")
    int batch;

    @Option(names = "--rounds", defaultValue = "5", description = "Interleaved rounds (default: 5).")
    int rounds;

    @Option(names = "--data", description = "Also measure top-1 accuracy in ONNX Runtime on this data set's test split.")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Override
    public Integer call() {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no such ONNX file: " + f);
            }
        }
        if (batch < 1 || rounds < 1) {
            throw new IllegalArgumentException("--batch and --rounds must be positive, got " + batch + " and " + rounds);
        }
        int threads = common.threads == null ? 0 : common.threads;
        List<OnnxRuntimeRunner> runners = new ArrayList<>();
        try {
            for (Path f : files) {
                runners.add(OnnxRuntimeRunner.open(f, threads));
            }
            int[] batches = {1, batch};
            double[][][] times = new double[files.size()][2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < runners.size(); i++) {
                    times[i][0][r] = runners.get(i).medianMillis(1, 10, 51);
                    times[i][1][r] = runners.get(i).medianMillis(batch, 2, 7);
                }
            }
            org.prune4j.data.DataLoader test = data == null ? null : org.prune4j.train.DataPipeline.evalLoader(data,
                    org.prune4j.data.DataSets.load(data, dataDir, org.prune4j.data.DataSets.Split.TEST));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", files.get(i).toString());
                for (int b = 0; b < 2; b++) {
                    row.put("batch" + batches[b] + "Ms", median(times[i][b]));
                    row.put("speedUpBatch" + batches[b], median(times[0][b]) / median(times[i][b]));
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
                out.put("models", rows);
                System.out.println(CommonOptions.toJson(out));
            } else {
                System.out.printf("ONNX Runtime, %s threads, median of %d interleaved rounds%n",
                        threads == 0 ? "default" : threads, rounds);
                System.out.printf("%-50s %12s %10s %12s %10s%n", "file", "batch 1 ms", "speed-up", "batch " + batch + " ms", "speed-up");
                for (Map<String, Object> row : rows) {
                    System.out.printf("%-50s %12.3f %9.2fx %12.2f %9.2fx%s%n", row.get("file"), row.get("batch1Ms"),
                            row.get("speedUpBatch1"), row.get("batch" + batch + "Ms"), row.get("speedUpBatch" + batch),
                            row.containsKey("top1") ? String.format("   top-1 %.2f%%", 100 * (double) row.get("top1")) : "");
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
