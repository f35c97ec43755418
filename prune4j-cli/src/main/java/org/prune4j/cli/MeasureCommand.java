package org.prune4j.cli;

import org.prune4j.measure.MemorySoak;
import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j measure throughput|memory}: measurements of the engine on a zoo model. */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Measure training/inference throughput or memory over many steps.",
        subcommands = {MeasureCommand.Throughput.class, MeasureCommand.Memory.class})
final class MeasureCommand {

    /** Options shared by both measurements. */
    static final class ModelOptions {
        @Option(names = "--model", required = true, description = "Zoo architecture, checkpoint or run directory.")
        String model;

        @Option(names = "--batch-size", defaultValue = "128")
        int batchSize;

        /** The zoo architecture at Fashion-MNIST shape, or the graph of a checkpoint (e.g. a pruned model). */
        Graph graph() {
            if (ModelArgument.isZooName(model)) {
                return ModelZoo.build(model, ZooOptions.fashionMnist());
            }
            try (Model m = ModelArgument.load(model)) {
                return m.graph();
            }
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true,
            description = "Images per second in training and inference on random 1x28x28 data (median of repeats).")
    static final class Throughput implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        ModelOptions model;

        @Option(names = "--warmup", defaultValue = "5")
        int warmup;

        @Option(names = "--steps", defaultValue = "20", description = "Timed steps per repeat.")
        int steps;

        @Option(names = "--repeats", defaultValue = "5")
        int repeats;

        @Override
        public Integer call() {
            common.applyEngineSettings();
            var measurement = new org.prune4j.measure.Throughput(model.graph(), model.batchSize, warmup, steps, repeats);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.model);
            out.put("batchSize", model.batchSize);
            out.putAll(measurement.run());
            out.put("environment", org.prune4j.measure.Throughput.environment());
            print(common, out);
            return 0;
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Resident memory over many training steps (should stay flat).")
    static final class Memory implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Mixin
        ModelOptions model;

        @Option(names = "--steps", defaultValue = "5000")
        int steps;

        @Override
        public Integer call() {
            common.applyEngineSettings();
            if (steps <= 0) {
                throw new IllegalArgumentException("--steps must be positive, got " + steps);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model.model);
            out.putAll(MemorySoak.run(model.graph(), steps, model.batchSize, 20));
            print(common, out);
            return 0;
        }
    }

    private static void print(CommonOptions common, Map<String, Object> out) {
        if (common.json) {
            System.out.println(CommonOptions.toJson(out));
        } else {
            out.forEach((k, v) -> System.out.println(k + ": " + v));
        }
    }
}
