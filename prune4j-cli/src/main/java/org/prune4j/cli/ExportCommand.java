package org.prune4j.cli;

import org.prune4j.model.Model;
import org.prune4j.onnx.OnnxExporter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j export --model runs/r20 --out r20.onnx}: any prune4j model as ONNX. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a prune4j checkpoint (pruned or not) as ONNX, with its provenance in the metadata.")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint file or run directory.")
    String model;

    @Option(names = "--out", required = true, description = "The .onnx file to write.")
    Path out;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        try (Model m = ModelArgument.load(model)) {
            OnnxExporter.export(m, out);
        }
        System.out.println(common.json ? CommonOptions.toJson(Map.of("model", model, "onnx", out.toString(),
                "bytes", out.toFile().length())) : "saved " + out);
        return 0;
    }
}
