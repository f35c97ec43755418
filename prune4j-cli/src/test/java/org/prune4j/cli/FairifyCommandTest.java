package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;

import java.nio.file.Path;
import java.util.Map;

class FairifyCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void fairifyReportsEveryPartitionWithAndWithoutPruningAndRefusesABadFeatureOrData() throws Exception {
        Graph g = Graph.builder().setInput("x", new Shape(5, 1, 1)).add("flat", new FlattenOp(), "x")
                .add("fc1", new LinearOp(8), "flat").add("relu", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(2), "relu").setOutput("fc2").build();
        Path file = dir.resolve("mlp.p4j");
        try (Model m = Model.builder().setGraph(g).optSeed(1).build()) {
            Checkpoint.save(m, file);
        }
        int code = Prune4jCli.run("fairify", "--model", file.toString(), "--protected", "4", "--split", "0,1",
                "--pieces", "2", "--compare", "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        for (String run : new String[] {"withPruning", "withoutPruning"}) {
            Map<String, Object> report = (Map<String, Object>) r.get(run);
            assertThat(report.get("partitions")).isEqualTo(4);
            assertThat((Integer) report.get("verified") + (Integer) report.get("counterexample")
                    + (Integer) report.get("unknown")).isEqualTo(4);
        }
        assertThat(Prune4jCli.run("fairify", "--model", file.toString(), "--protected", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("protected feature 5 is not one of the 5 input features");
        assertThat(Prune4jCli.run("fairify", "--model", file.toString(), "--protected", "4", "--around-test", "3",
                "--data", "synthetic")).isEqualTo(2);
        assertThat(err.toString()).containsPattern("example 0 has \\d+ features, the network reads 5");
    }
}
