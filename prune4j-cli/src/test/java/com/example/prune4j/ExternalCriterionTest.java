package com.example.prune4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.cli.Prune4jCli;
import org.prune4j.experiment.ResultsStore;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A criterion from outside the library's packages, registered through the public plugin API, used
 * by name from {@code prune} and from a bench spec; its defining mechanism (the lowest indices go
 * first) is visible in the pruned weights.
 */
class ExternalCriterionTest {

    @TempDir
    Path dir;

    @Test
    void pruneUsesTheRegisteredCriterionByNameAndRemovesTheLowestIndices() {
        Path run = dir.resolve("dense");
        assertThat(Prune4jCli.run("train", "--model", "lenet5", "--data", "synthetic", "--epochs", "1",
                "--limit", "256", "--out", run.toString())).isZero();
        Path pruned = dir.resolve("pruned");
        assertThat(Prune4jCli.run("prune", "--model", run.toString(), "--criterion", KeepHighestIndexCriterion.NAME,
                "--target", "ratio=0.5", "--finetune-epochs", "0", "--no-latency", "--out", pruned.toString()))
                .isZero();
        try (Model dense = Checkpoint.load(run.resolve("model.p4j"));
                Model small = Checkpoint.load(pruned.resolve("model.p4j"))) {
            float[] before = dense.parameter("conv1", "weight").value().toFloatArray();
            float[] after = small.parameter("conv1", "weight").value().toFloatArray();
            // conv1 has 6 filters of 1x5x5: the kept ones are filters 3, 4 and 5
            assertThat(after).hasSize(3 * 25);
            assertThat(after).containsExactly(Arrays.copyOfRange(before, 3 * 25, 6 * 25));
            assertThat(small.provenance().toMap().toString()).contains("criterion=" + KeepHighestIndexCriterion.NAME);
        }
    }

    @Test
    void aBenchSpecRunsTheRegisteredCriterionByName() throws Exception {
        Path spec = Files.writeString(dir.resolve("spec.yaml"), """
                models: [mlp]
                data: synthetic
                train_limit: 256
                test_limit: 64
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 1, lr: 0.01}
                structured: {criteria: [%s], targets: [ratio=0.5]}
                latency: false
                """.formatted(KeepHighestIndexCriterion.NAME));
        Path db = dir.resolve("r.db");
        assertThat(Prune4jCli.run("bench", spec.toString(), "--db", db.toString())).isZero();
        try (ResultsStore store = ResultsStore.open(db)) {
            List<Map<String, Object>> runs = store.runs();
            assertThat(runs).extracting(r -> r.get("method")).contains(KeepHighestIndexCriterion.NAME);
        }
    }
}
