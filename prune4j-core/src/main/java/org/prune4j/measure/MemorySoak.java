package org.prune4j.measure;

import org.prune4j.data.Batch;
import org.prune4j.data.DataLoader;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.train.Trainer;
import org.prune4j.train.optim.Sgd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs many training steps and samples the process's resident memory (VmRSS) along the way, to
 * show that native memory stays flat when every step is scoped.
 */
public final class MemorySoak {

    private MemorySoak() {}

    public static Map<String, Object> run(Graph graph, int totalSteps, int batchSize, int samples) {
        var in = graph.inputShape();
        var data = SyntheticImages.builder().setNumSamples(2048).setShape((int) in.get(0), (int) in.get(1),
                (int) in.get(2)).setNumClasses((int) graph.outputShape().get(0)).build();
        DataLoader loader = DataLoader.builder().setDataset(data).setBatchSize(batchSize).optShuffle(true).build();
        List<Map<String, Object>> trace = new ArrayList<>();
        int every = Math.max(1, totalSteps / samples);
        try (Model model = Model.builder().setGraph(graph).build();
                Sgd sgd = Sgd.builder().optMomentum(0.9).build()) {
            Trainer trainer = Trainer.builder().setModel(model).setOptimizer(sgd).setSchedule(s -> 0.01).build();
            int step = 0;
            for (int epoch = 0; step < totalSteps; epoch++) {
                for (Batch batch : loader.epoch(epoch)) {
                    if (step % every == 0) {
                        trace.add(Map.of("step", step, "rssMiB", residentMiB(), "javaHeapCommittedMiB", heapCommittedMiB()));
                    }
                    trainer.step(batch);
                    if (++step == totalSteps) {
                        break;
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", totalSteps);
        out.put("batchSize", batchSize);
        out.put("rssAtFirstSampleMiB", trace.get(0).get("rssMiB"));
        out.put("rssAtLastSampleMiB", trace.get(trace.size() - 1).get("rssMiB"));
        out.put("rssAtEndMiB", residentMiB());
        out.put("javaHeapCommittedAtEndMiB", heapCommittedMiB());
        out.put("trace", trace);
        return out;
    }

    /** Memory the JVM has taken for its heap (part of RSS, but not native tensor memory). */
    public static double heapCommittedMiB() {
        return Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0);
    }

    /** VmRSS of this process from /proc (Linux), in MiB. */
    public static double residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read resident memory from /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
