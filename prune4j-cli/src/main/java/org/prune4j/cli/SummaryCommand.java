package org.prune4j.cli;

import org.prune4j.graph.Graph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j summary}: per-layer output shapes, parameters and MACs of a model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Per-layer output shape, parameters and MACs of a zoo model or checkpoint.")
final class SummaryCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Zoo name, checkpoint file or run directory.")
    String model;

    @Option(names = "--input-channels", defaultValue = "1")
    int inputChannels;

    @Option(names = "--image-size", defaultValue = "28")
    int imageSize;

    @Option(names = "--classes", defaultValue = "10")
    int classes;

    @Option(names = "--width", defaultValue = "1.0")
    double width;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        Graph graph;
        if (ModelArgument.isZooName(model)) {
            graph = ModelZoo.build(model, new ZooOptions(inputChannels, imageSize, classes, width));
        } else {
            try (Model m = ModelArgument.load(model)) {
                graph = m.graph();
            }
        }
        ModelSummary s = ModelSummary.of(graph);
        if (common.json) {
            Map<String, Object> out = s.toMap();
            out.put("model", model);
            System.out.println(CommonOptions.toJson(out));
        } else {
            System.out.print(s.toTable());
        }
        return 0;
    }
}
