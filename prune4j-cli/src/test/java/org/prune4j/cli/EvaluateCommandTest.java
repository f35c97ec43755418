package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class EvaluateCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void evaluateReportsEveryConditionAndWritesPredictionsAndPlots() throws Exception {
        Path csv = dir.resolve("predictions.csv");
        int code = Prune4jCli.run("evaluate", "--model", "mlp", "--reference", "mlp", "--data", "synthetic",
                "--corruptions", "rotation,contrast", "--severities", "1,5", "--predictions", csv.toString(),
                "--plots", dir.resolve("plots").toString(), "--jacobian", "4", "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        Map<String, Map<String, Object>> jacobian = (Map<String, Map<String, Object>>) r.get("jacobian");
        assertThat(jacobian.get("model")).containsEntry("examples", 4).containsKeys("mean", "std", "min", "max");
        assertThat(jacobian.get("model").get("mean")).as("the same model twice").isEqualTo(jacobian.get("reference")
                .get("mean"));
        assertThat((List<Map<String, Object>>) r.get("conditions")).extracting(c -> c.get("condition"))
                .containsExactly("rotation@1", "rotation@5", "contrast@1", "contrast@5");
        assertThat(((Map<String, Object>) r.get("agreement")).get("overall")).as("the same seed builds the same model")
                .isEqualTo(1.0);
        assertThat(r).containsKeys("ece", "nll", "reliability", "classAccuracy", "worstClass", "deadNeuronRate");
        int samples = (Integer) r.get("samples");
        assertThat(Files.readAllLines(csv)).hasSize(1 + 5 * samples);
        assertThat(dir.resolve("plots/reliability.png")).isRegularFile();
        assertThat(dir.resolve("plots/accuracy-vs-severity.png")).isRegularFile();
    }

    @Test
    void badInputIsRefusedWithExitCodeTwoAndSaysWhatWasExpected() throws Exception {
        assertThat(Prune4jCli.run("evaluate", "--model", "mlp", "--data", "synthetic", "--corruptions", "fog"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown corruption 'fog'").contains("gaussian-blur");
        err.reset();
        assertThat(Prune4jCli.run("evaluate", "--model", "mlp", "--data", "synthetic", "--severities", "6"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("severity 6 is outside 1-5");

        Path sixClasses = dir.resolve("six.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("mlp", new ZooOptions(1, 28, 6, 1.0))).build()) {
            Checkpoint.save(m, sixClasses);
        }
        err.reset();
        assertThat(Prune4jCli.run("evaluate", "--model", "mlp", "--data", "synthetic", "--reference",
                sixClasses.toString(), "--corruptions", "none")).isEqualTo(2);
        assertThat(err.toString()).contains("reference model has 6 classes but the model has 10");

        Path unlabelled = Files.createDirectories(dir.resolve("mnist"));
        Files.write(unlabelled.resolve("t10k-images-idx3-ubyte"), new byte[16]);
        err.reset();
        assertThat(Prune4jCli.run("evaluate", "--model", "mlp", "--data", "mnist", "--data-dir", unlabelled.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("evaluate needs the labelled test split of 'mnist'")
                .contains("t10k-labels-idx1-ubyte");
    }
}
