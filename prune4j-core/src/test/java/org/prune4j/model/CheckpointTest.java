package org.prune4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.engine.Engines;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void savedAndLoadedModelGivesTheSameOutputsAndKeepsProvenance() {
        Path file = dir.resolve("m.p4j");
        Provenance prov = Provenance.of("train", Map.of("model", "resnet20", "seed", 3), null);
        float[] expected;
        float[] input = random(2 * 28 * 28);
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", ZooOptions.fashionMnist().withWidth(0.5)))
                .optSeed(3).optProvenance(prov).build(); NDManager m = model.manager().newSubManager()) {
            // one training-mode pass moves the BN running statistics away from their defaults
            model.forward(Engines.create(m, input, new Shape(2, 1, 28, 28)), true);
            expected = model.forward(Engines.create(m, input, new Shape(2, 1, 28, 28)), false).toFloatArray();
            Checkpoint.save(model, file);
        }
        try (Model loaded = Checkpoint.load(file); NDManager m = loaded.manager().newSubManager()) {
            NDArray out = loaded.forward(Engines.create(m, input, new Shape(2, 1, 28, 28)), false);
            assertThat(out.toFloatArray()).containsExactly(expected);
            assertThat(loaded.provenance().kind()).isEqualTo("train");
            assertThat(loaded.provenance().settings()).containsEntry("model", "resnet20");
            assertThat(loaded.provenance().versions()).containsKey("djl");
        }
    }

    @Test
    void aCheckpointFromANewerFormatIsRefusedWithBothVersions() throws IOException {
        Path file = zip("newer.p4j", "{\"format\":\"prune4j-checkpoint\",\"version\":99,\"graph\":{}}", new byte[0]);
        assertThatThrownBy(() -> Checkpoint.load(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("newer.p4j").hasMessageContaining("99").hasMessageContaining("up to 1");
    }

    @Test
    void aFileThatIsNotACheckpointSaysSo() throws IOException {
        Path garbage = dir.resolve("garbage.p4j");
        Files.writeString(garbage, "hello");
        assertThatThrownBy(() -> Checkpoint.load(garbage)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("garbage.p4j").hasMessageContaining("not");
        Path missing = dir.resolve("missing.p4j");
        assertThatThrownBy(() -> Checkpoint.load(missing)).hasMessageContaining("does not exist");
    }

    @Test
    void theRoleOfAParameterComesFromItsOpNotFromTheFile() throws IOException {
        Path good = dir.resolve("bn.p4j");
        try (Model model = Model.builder().setGraph(ModelZoo.build("resnet20", ZooOptions.fashionMnist().withWidth(0.25))).build()) {
            Checkpoint.save(model, good);
        }
        String[] parts = readEntries(good);
        String tampered = parts[0].replace("\"trainable\" : false", "\"trainable\" : true");
        assertThat(tampered).isNotEqualTo(parts[0]);
        try (Model loaded = Checkpoint.load(zip("tampered.p4j", tampered, good))) {
            assertThat(loaded.parameter("stem.bn", "runningMean").trainable()).isFalse();
        }
    }

    @Test
    void missingFieldsAndUnknownNodesAreNamed() throws IOException {
        Path good = dir.resolve("mlp.p4j");
        try (Model model = Model.builder().setGraph(ModelZoo.build("mlp", ZooOptions.fashionMnist())).build()) {
            Checkpoint.save(model, good);
        }
        String json = readEntries(good)[0];
        Path noParams = zip("no-params.p4j", json.replace("\"parameters\"", "\"params\""), good);
        assertThatThrownBy(() -> Checkpoint.load(noParams)).hasMessageContaining("no-params.p4j")
                .hasMessageContaining("'parameters'");
        Path unknownOp = zip("unknown-op.p4j", json.replace("\"type\" : \"linear\"", "\"type\" : \"linear3d\""), good);
        assertThatThrownBy(() -> Checkpoint.load(unknownOp)).hasMessageContaining("node 'fc1'")
                .hasMessageContaining("linear3d");
    }

    /** model.json text and the path of the original (whose weights.bin is reused). */
    private String[] readEntries(Path file) throws IOException {
        try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
            zin.getNextEntry();
            return new String[] {new String(zin.readAllBytes(), StandardCharsets.UTF_8)};
        }
    }

    private Path zip(String name, String json, Path weightsFrom) throws IOException {
        byte[] weights;
        try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(weightsFrom))) {
            zin.getNextEntry();
            zin.getNextEntry();
            weights = zin.readAllBytes();
        }
        return zip(name, json, weights);
    }

    @Test
    void truncatedWeightsNameTheParameter() throws IOException {
        Path good = dir.resolve("good.p4j");
        try (Model model = Model.builder().setGraph(ModelZoo.build("mlp", ZooOptions.fashionMnist())).build()) {
            Checkpoint.save(model, good);
        }
        String json;
        try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(good))) {
            zin.getNextEntry();
            json = new String(zin.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path truncated = zip("truncated.p4j", json, new byte[100]);
        assertThatThrownBy(() -> Checkpoint.load(truncated)).hasMessageContaining("truncated.p4j")
                .hasMessageContaining("fc1.weight");
    }

    private Path zip(String name, String json, byte[] weights) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("model.json"));
            z.write(json.getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("weights.bin"));
            z.write(weights);
        }
        return file;
    }

    private static float[] random(int n) {
        Random r = new Random(5);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
