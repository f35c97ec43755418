package org.prune4j.cli;

import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;
import org.prune4j.train.TrainingJob;
import org.prune4j.zoo.ModelZoo;

import java.nio.file.Files;
import java.nio.file.Path;

/** A {@code --model} value: a zoo name, a checkpoint or ONNX file, or a run directory holding model.p4j. */
final class ModelArgument {

    private ModelArgument() {}

    static boolean isZooName(String value) {
        return ModelZoo.contains(value) && !Files.exists(Path.of(value));
    }

    static Path checkpointPath(String value) {
        Path p = Path.of(value);
        if (Files.isDirectory(p)) {
            p = p.resolve(TrainingJob.MODEL_FILE);
        }
        if (!Files.exists(p)) {
            String hint = ModelZoo.contains(value)
                    ? "'" + value + "' is a zoo architecture, not a trained model: train it first (prune4j train --out DIR)"
                    : "no such checkpoint file or run directory";
            throw new IllegalArgumentException("--model '" + value + "': " + hint);
        }
        return p;
    }

    /** A checkpoint, run directory or ONNX file (the file name decides). */
    static Model load(String value) {
        Path p = checkpointPath(value);
        return org.prune4j.onnx.OnnxFormat.forFile(p).load(p);
    }

    /** The data set in a model's provenance (its own or its nearest ancestor's), else fashion-mnist. */
    static String trainedOn(Provenance provenance) {
        String data = dataIn(provenance);
        return data != null ? data : "fashion-mnist";
    }

    /** The data set in a provenance chain, or null when no step names one. */
    static String dataIn(Provenance provenance) {
        for (Provenance p = provenance; p != null; p = p.parent()) {
            Object data = p.settings().get("data");
            if (data != null) {
                return data.toString();
            }
        }
        return null;
    }
}
