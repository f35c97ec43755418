package org.prune4j.cli;

import ai.djl.ndarray.types.Shape;

import org.prune4j.data.DataSets;
import org.prune4j.data.ImageDataset;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.EvalResult;
import org.prune4j.train.Evaluator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j eval}: top-1, top-5 and loss of a saved model on a data set's test split. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a saved model on the test set.")
final class EvalCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint file or run directory.")
    String model;

    @Option(names = "--data", description = "Data set (default: the one the model was trained on, "
            + "from its provenance, else fashion-mnist).")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        Path file = ModelArgument.checkpointPath(model);
        try (Model m = Checkpoint.load(file)) {
            String data = this.data != null ? this.data : ModelArgument.trainedOn(m.provenance());
            ImageDataset test = DataSets.load(data, dataDir, DataSets.Split.TEST);
            if (!m.graph().inputShape().equals(new Shape(test.channels(), test.height(), test.width()))) {
                throw new IllegalArgumentException("model " + file + " expects inputs " + m.graph().inputShape()
                        + " but data set '" + data + "' has (" + test.channels() + ", " + test.height() + ", "
                        + test.width() + ")");
            }
            long start = System.nanoTime();
            EvalResult r = Evaluator.evaluate(m, DataPipeline.evalLoader(data, test));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", file.toString());
            out.put("data", data);
            out.putAll(r.toMap());
            out.put("seconds", (System.nanoTime() - start) / 1e9);
            System.out.println(common.json ? CommonOptions.toJson(out) : r.toString());
        }
        return 0;
    }
}
