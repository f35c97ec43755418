package org.prune4j.cli;

import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.onnx.ImportCheck;
import org.prune4j.onnx.OnnxFormat;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--check", description = "Run the ONNX file in ONNX Runtime and its import in prune4j on the same "
            + "random inputs and print the largest difference; exit 1 if it exceeds " + ImportCheck.TOLERANCE
            + " of the largest output.")
    boolean check;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        try (Model m = ModelArgument.load(model)) {
            ModelSummary summary = ModelSummary.of(m.graph());
            DependencyGraph deps = DependencyGraph.of(m.graph());
            ImportCheck difference = check ? importCheck(m) : null;
            if (common.json) {
                Map<String, Object> out = summary.toMap();
                out.put("model", model);
                List<Map<String, Object>> groups = new ArrayList<>();
                for (Group g : deps.groups()) {
                    groups.add(Map.of("root", g.root(), "channels", g.size(), "members", g.spaces()));
                }
                out.put("groups", groups);
                out.put("untouched", deps.untouched());
                if (difference != null) {
                    out.put("check", Map.of("batch", difference.batch(), "maxAbsDifference", difference.maxAbsDifference(),
                            "relativeDifference", difference.relativeDifference(), "exact", difference.exact()));
                }
                System.out.println(CommonOptions.toJson(out));
            } else {
                System.out.print(summary.toTable());
                System.out.printf("%n%d prunable groups:%n", deps.groups().size());
                deps.groups().forEach(g -> System.out.printf("  %s: %d channels across %s%n", g.root(), g.size(), g.spaces()));
                deps.untouched().forEach(u -> System.out.println("  note: " + u));
                if (difference != null) {
                    System.out.printf("%ncheck against ONNX Runtime (%d random samples): largest difference %.3g, "
                            + "%.3g of the largest output (%.3g): %s%n", difference.batch(), difference.maxAbsDifference(),
                            difference.relativeDifference(), difference.maxAbsOutput(),
                            difference.exact() ? "the import is exact" : "THE IMPORT DIFFERS");
                }
            }
            return difference == null || difference.exact() ? 0 : 1;
        }
    }

    private ImportCheck importCheck(Model m) {
        java.nio.file.Path file = ModelArgument.checkpointPath(model);
        if (OnnxFormat.forFile(file) == org.prune4j.model.ModelFormat.CHECKPOINT) {
            throw new IllegalArgumentException("--check compares an ONNX file with its import; " + file
                    + " is a prune4j checkpoint");
        }
        return ImportCheck.of(file, m, common.threads == null ? Runtime.getRuntime().availableProcessors() : common.threads);
    }
}
