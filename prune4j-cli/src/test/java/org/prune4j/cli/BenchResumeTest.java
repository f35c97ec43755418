package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.experiment.BenchSpec;
import org.prune4j.experiment.RunPlan;
import org.prune4j.experiment.RunSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A benchmark killed with SIGKILL resumes: nothing lost, nothing done or counted twice. */
class BenchResumeTest {

    @TempDir
    Path dir;

    @Test
    void aBenchmarkKilledMidRunResumesWithExactlyTheExpectedRuns() throws Exception {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                name: resume
                models: [mlp]
                data: synthetic
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 2, lr: 0.01}
                methods: [global-magnitude, layer-magnitude, random]
                compressions: [2, 4]
                latency: false
                """);
        Path db = dir.resolve("results.db");
        List<String> expected = RunPlan.of(BenchSpec.read(spec)).stream().map(RunSettings::id).toList();

        Process first = bench(spec, db, "first.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (finished(db).size() < 3 && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no chance to tidy up
        Map<String, String> beforeKill = finished(db);
        assertThat(beforeKill.size()).as("killed while runs were left").isBetween(3, expected.size() - 1);

        Process second = bench(spec, db, "second.log");
        assertThat(second.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(dir.resolve("second.log"))).isZero();

        Map<String, String> after = finished(db);
        assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(count(db)).isEqualTo(expected.size());
        beforeKill.forEach((id, finishedAt) ->
                assertThat(after.get(id)).as("run %s was not redone", id).isEqualTo(finishedAt));
        String log = Files.readString(dir.resolve("second.log"));
        assertThat(log.lines().filter(l -> l.endsWith("done already")).count()).isEqualTo(beforeKill.size());
        Set<String> leftovers = Files.list(dir.resolve("results.db.models")).map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".tmp")).collect(Collectors.toSet());
        assertThat(leftovers).isEmpty();
    }

    private Process bench(Path spec, Path db, String log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", Prune4jCli.class.getName(), "bench", spec.toString(),
                "--db", db.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    /** id → finished_at of every recorded run (read-only; the database may not exist yet). */
    private static Map<String, String> finished(Path db) throws SQLException {
        Map<String, String> out = new HashMap<>();
        if (!Files.exists(db)) {
            return out;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, finished_at FROM runs")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("no such table")) {
                return out;
            }
            throw e;
        }
        return out;
    }

    private static long count(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM runs")) {
            return rs.getLong(1);
        }
    }
}
