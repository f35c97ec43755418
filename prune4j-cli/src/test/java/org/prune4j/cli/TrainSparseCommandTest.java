package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;

import java.nio.file.Path;
import java.util.Map;

class TrainSparseCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void trainWithRigLKeepsTheDensityAndRecordsItInTheProvenance() throws Exception {
        int code = Prune4jCli.run("train", "--model", "mlp", "--width", "0.25", "--data", "synthetic", "--limit", "256",
                "--epochs", "1", "--batch-size", "64", "--lr", "0.05", "--sparse", "rigl", "--density", "0.1",
                "--update-every", "1", "--out", dir.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        Map<String, Object> init = (Map<String, Object>) ((Map<String, Object>) r.get("provenance")).get("parent");
        assertThat((Map<String, Object>) ((Map<String, Object>) init.get("settings")).get("sparseTraining"))
                .containsEntry("method", "rigl").containsEntry("density", 0.1);
        try (Model m = Checkpoint.load(dir.resolve("model.p4j"))) {
            Parameter fc1 = m.parameter("fc1", "weight");
            long nonZero = 0;
            for (float v : fc1.value().toFloatArray()) {
                nonZero += v != 0 ? 1 : 0;
            }
            assertThat(nonZero).as("at most a tenth of fc1 is non-zero").isLessThanOrEqualTo(Math.round(0.1 * 784 * 75));
        }
        assertThat(Prune4jCli.run("train", "--model", "mlp", "--data", "synthetic", "--sparse", "rigl")).isEqualTo(2);
        assertThat(err.toString()).contains("--sparse and --density go together");
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainWithNeqReportsTheNeuronsAtEquilibriumAndTheBackwardWorkSaved() throws Exception {
        // a threshold no velocity reaches: every neuron is frozen after the first of two epochs
        int code = Prune4jCli.run("train", "--model", "mlp", "--width", "0.25", "--data", "synthetic", "--limit", "256",
                "--epochs", "2", "--batch-size", "64", "--neq", "1e9", "--neq-samples", "64", "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> neq = (Map<String, Object>) new ObjectMapper().readValue(lastLine(), Map.class).get("neq");
        assertThat(neq.get("frozenNeurons")).isEqualTo(neq.get("neurons"));
        assertThat((Double) neq.get("savedBackwardShare")).isEqualTo(0.5);
    }
}
