package org.prune4j.onnx;

import org.prune4j.model.Model;
import org.prune4j.model.ModelFormat;
import org.prune4j.model.Provenance;

import java.nio.file.Path;
import java.util.Locale;

/** ONNX files as a {@link ModelFormat}: what lets the pruning job take and give {@code .onnx} files. */
public final class OnnxFormat implements ModelFormat {

    public static final OnnxFormat INSTANCE = new OnnxFormat();

    private OnnxFormat() {}

    /** ONNX for {@code .onnx} files, prune4j checkpoints otherwise. */
    public static ModelFormat forFile(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx") ? INSTANCE : ModelFormat.CHECKPOINT;
    }

    @Override
    public Model load(Path file) {
        return OnnxImporter.load(file);
    }

    @Override
    public Provenance readProvenance(Path file) {
        return OnnxImporter.readProvenance(file);
    }

    @Override
    public void save(Model model, Path file) {
        OnnxExporter.export(model, file);
    }

    @Override
    public String toString() {
        return "ONNX";
    }
}
