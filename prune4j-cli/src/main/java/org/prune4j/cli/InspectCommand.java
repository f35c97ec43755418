package org.prune4j.cli;

import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j inspect model.onnx}: layers, shapes, parameters, MACs and prunable groups. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Layers, output shapes, parameters, MACs and prunable channel groups of an ONNX file or checkpoint.")
final class InspectCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL", description = "ONNX file, checkpoint or run directory.")
    String model;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        try (Model m = ModelArgument.load(model)) {
            ModelSummary summary = ModelSummary.of(m.graph());
            DependencyGraph deps = DependencyGraph.of(m.graph());
            if (common.json) {
                Map<String, Object> out = summary.toMap();
                out.put("model", model);
                List<Map<String, Object>> groups = new ArrayList<>();
                for (Group g : deps.groups()) {
                    groups.add(Map.of("root", g.root(), "channels", g.size(), "members", g.spaces()));
                }
                out.put("groups", groups);
                out.put("untouched", deps.untouched());
                System.out.println(CommonOptions.toJson(out));
            } else {
                System.out.print(summary.toTable());
                System.out.printf("%n%d prunable groups:%n", deps.groups().size());
                deps.groups().forEach(g -> System.out.printf("  %s: %d channels across %s%n", g.root(), g.size(), g.spaces()));
                deps.untouched().forEach(u -> System.out.println("  note: " + u));
            }
        }
        return 0;
    }
}
