package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What `export` and `inspect` do with files: permissions, JSON, and a file that cannot be imported. */
class OnnxFilesCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void exportedFilesAndCheckpointsGetTheUsualPermissionsNotOwnerOnlyOnesAndExportSpeaksJson() throws Exception {
        Path checkpoint = dir.resolve("lenet5.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("lenet5", new ZooOptions(1, 28, 10, 0.5))).build()) {
            Checkpoint.save(m, checkpoint);
        }
        Path onnx = dir.resolve("lenet5.onnx");
        assertThat(Prune4jCli.run("export", "--model", checkpoint.toString(), "--out", onnx.toString(), "--json"))
                .as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(r).containsEntry("onnx", onnx.toString());
        assertThat(((Number) r.get("bytes")).longValue()).isEqualTo(Files.size(onnx));

        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));
        assertThat(Files.getPosixFilePermissions(onnx)).isEqualTo(usual);
        assertThat(Files.getPosixFilePermissions(checkpoint)).isEqualTo(usual);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .containsExactlyInAnyOrder("lenet5.p4j", "lenet5.onnx", "plain");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void latencyTimesAFileWithAFixedBatchAtThatBatchAndItsAccuracyEqualsTheDynamicFiles() throws Exception {
        Path checkpoint = dir.resolve("lenet5.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("lenet5", new ZooOptions(1, 28, 10, 0.5))).optSeed(3)
                .build()) {
            Checkpoint.save(m, checkpoint);
        }
        Path dynamic = dir.resolve("dynamic.onnx");
        assertThat(Prune4jCli.run("export", "--model", checkpoint.toString(), "--out", dynamic.toString())).isZero();
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(dynamic)).toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .setDim(0, ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1));
        Path fixed = dir.resolve("fixed.onnx");
        Files.write(fixed, b.build().toByteArray());

        out.reset();
        assertThat(Prune4jCli.run("latency", dynamic.toString(), "--batch", "4", "--rounds", "1", "--data", "synthetic",
                "--json")).as(err.toString()).isZero();
        Map<String, Object> d = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat((List<Integer>) d.get("batches")).containsExactly(1, 4);
        out.reset();
        assertThat(Prune4jCli.run("latency", fixed.toString(), "--rounds", "1", "--data", "synthetic", "--json"))
                .as(err.toString()).isZero();
        Map<String, Object> f = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat((List<Integer>) f.get("batches")).as("the file's fixed batch only").containsExactly(1);
        double top1 = (Double) ((List<Map<String, Object>>) f.get("models")).get(0).get("top1");
        assertThat(top1).as("run in slices of one, the same predictions")
                .isEqualTo((Double) ((List<Map<String, Object>>) d.get("models")).get(0).get("top1"));

        err.reset();
        assertThat(Prune4jCli.run("latency", fixed.toString(), "--batch", "128")).isEqualTo(2);
        assertThat(err.toString()).contains("the files fix their batch size ({1=" + fixed + "}), so they cannot be "
                + "timed at --batch 128");
    }

    @Test
    void aWellFormedFileWithUnsupportedOpsExitsWithOneNamingEveryOneOfThem() throws Exception {
        Path checkpoint = dir.resolve("lenet5.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("lenet5", new ZooOptions(1, 28, 10, 0.5))).build()) {
            Checkpoint.save(m, checkpoint);
        }
        Path onnx = dir.resolve("lenet5.onnx");
        assertThat(Prune4jCli.run("export", "--model", checkpoint.toString(), "--out", onnx.toString())).isZero();
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(onnx)).toBuilder();
        List<NodeProto> nodes = b.getGraph().getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getOpType().equals("Relu")) {
                b.getGraphBuilder().setNode(i, nodes.get(i).toBuilder().setOpType("Gelu"));
            } else if (nodes.get(i).getOpType().equals("MaxPool")) {
                b.getGraphBuilder().setNode(i, nodes.get(i).toBuilder().setOpType("LpPool"));
            }
        }
        Path broken = dir.resolve("broken.onnx");
        Files.write(broken, b.build().toByteArray());
        assertThat(Prune4jCli.run("inspect", broken.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(broken + ": 2 op types are not supported: 'Gelu' ×")
                .contains("'LpPool' ×2 (first: node '");
    }

    /** An ONNX file from elsewhere: no provenance, 3×32×32 inputs, grouped convs (a zoo MobileNetV2 would do too). */
    private Path foreignFile() throws Exception {
        Path checkpoint = dir.resolve("vgg.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("vgg11", new ZooOptions(3, 32, 10, 0.25))).optSeed(2)
                .build()) {
            Checkpoint.save(m, checkpoint);
        }
        Path exported = dir.resolve("exported.onnx");
        assertThat(Prune4jCli.run("export", "--model", checkpoint.toString(), "--out", exported.toString())).isZero();
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(exported)).toBuilder().clearMetadataProps();
        Path foreign = dir.resolve("foreign.onnx");
        Files.write(foreign, b.build().toByteArray());
        return foreign;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFileWithoutProvenancePrunesWithoutDataToASmallerFileAndItsImportChecksExact() throws Exception {
        Path foreign = foreignFile();
        Path pruned = dir.resolve("pruned.onnx");
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--data", "none", "--out", pruned.toString(), "--no-latency", "--json")).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(r).containsEntry("data", "none").containsEntry("accuracyBefore", null);
        assertThat((Double) r.get("macReduction")).isGreaterThanOrEqualTo(2.0);
        assertThat(Files.size(pruned)).isLessThan(Files.size(foreign));

        out.reset();
        assertThat(Prune4jCli.run("inspect", pruned.toString(), "--check", "--json")).as(err.toString()).isZero();
        Map<String, Object> check = (Map<String, Object>) new ObjectMapper().readValue(lastLine(), Map.class).get("check");
        assertThat(check).containsEntry("exact", true);
        assertThat((Double) check.get("relativeDifference")).isLessThan(1e-5);

        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "taylor", "--target", "macs=2x",
                "--data", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("needs calibration data");

        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--allocation", "sensitivity", "--data", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("allocation 'sensitivity' measures the layers on data");
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--allocation", "local", "--data", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown allocation 'local'").contains("gradient-redundancy");
    }

    /** A regime combined with what it cannot honour is refused before the model is trained (the data would not even fit). */
    @Test
    void aRegimeWithAnOptionItCannotHonourIsRefusedBeforeAnyTraining() throws Exception {
        Path foreign = foreignFile();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--regime", "slimming", "--data", "synthetic")).isEqualTo(2);
        assertThat(err.toString()).contains("use --criterion bn-scale (got 'l1')");
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--regime", "increg", "--schedule", "agp", "--data", "synthetic")).isEqualTo(2);
        assertThat(err.toString()).contains("--regime increg trains and prunes on its own schedule");
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "eigendamage", "--target",
                "macs=2x", "--regime", "spp", "--data", "synthetic")).isEqualTo(2);
        assertThat(err.toString()).contains("runs with the oneshot schedule only, not 'spp'");
    }

    @Test
    void dataOfAnotherShapeThanTheModelIsRefusedNamingBothShapes() throws Exception {
        Path foreign = foreignFile();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--data", "synthetic", "--finetune-epochs", "0", "--no-latency")).isEqualTo(2);
        assertThat(err.toString()).contains("takes inputs of 3×32×32").contains("'synthetic' gives 1×28×28");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anImageFolderIsBroughtToTheModelsInputAndAnEmptyOneIsRefusedNamingIt() throws Exception {
        Path foreign = foreignFile(); // takes 3×32×32
        Path images = dir.resolve("images");
        java.util.Random r = new java.util.Random(1);
        for (String split : new String[] {"train", "test"}) {
            for (String c : new String[] {"bright", "dark"}) {
                Files.createDirectories(images.resolve(split).resolve(c));
                for (int i = 0; i < 4; i++) { // 20×16 grayscale: resized and cropped to 32×32, repeated to RGB
                    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(20, 16,
                            java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                    for (int y = 0; y < 16; y++) {
                        for (int x = 0; x < 20; x++) {
                            int v = (c.equals("bright") ? 160 : 0) + r.nextInt(90);
                            img.setRGB(x, y, v << 16 | v << 8 | v);
                        }
                    }
                    javax.imageio.ImageIO.write(img, "png", images.resolve(split).resolve(c).resolve(i + ".png").toFile());
                }
            }
        }
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--data", "image-folder", "--data-dir", images.toString(), "--finetune-epochs", "1", "--no-latency",
                "--json")).as(err.toString()).isZero();
        Map<String, Object> result = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(result).containsEntry("data", "image-folder");
        assertThat((Double) result.get("accuracyAfterFineTuning")).isBetween(0.0, 1.0);

        Path empty = dir.resolve("empty");
        Files.createDirectories(empty.resolve("train"));
        Files.createDirectories(empty.resolve("test"));
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", foreign.toString(), "--method", "l1", "--target", "macs=2x",
                "--data", "image-folder", "--data-dir", empty.toString(), "--no-latency")).isEqualTo(1);
        assertThat(err.toString()).contains("has no class folders").contains(empty.resolve("train").toString());
    }
}
