package org.prune4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;

class ResultsStoreTest {

    @TempDir
    Path dir;

    static RunSettings settings(double compression) {
        return RunSettings.builder().setKind(RunKind.UNSTRUCTURED).setModel("mlp", null).setData("synthetic", null, null)
                .setPretrain(Map.of("epochs", 1)).optFineTune(Map.of("epochs", 1)).setMethod("global-magnitude")
                .optCompression(compression).optSchedule("oneshot", 3).optCalibrationBatches(2).build();
    }

    static RunMetrics metrics() {
        return new RunMetrics(0.9, 0.5, 0.88, 0.99, 0.3, 1000, 250, 5000, 1300, 4.0, 3.85, null, null, 4096, 1.5,
                Map.of("layerSparsity", Map.of("fc1", 0.75)));
    }

    @Test
    void aFinishedRunIsStoredOnceAndReadBackWithItsSettingsAndMetrics() {
        Path db = dir.resolve("new/dir/r.db"); // directories are made as needed
        try (ResultsStore store = ResultsStore.open(db)) {
            store.record("spec", settings(4), metrics(), Map.of("kind", "bench-run"));
            assertThat(store.contains(settings(4).id())).isTrue();
            assertThat(store.contains(settings(8).id())).isFalse();
            assertThatThrownBy(() -> store.record("spec", settings(4), metrics(), null))
                    .hasMessageContaining(settings(4).id());
        }
        try (ResultsStore reopened = ResultsStore.open(db)) {
            assertThat(reopened.runs()).hasSize(1);
            Map<String, Object> row = reopened.runs().get(0);
            assertThat(row.get("top1_finetuned")).isEqualTo(0.88);
            assertThat(row.get("nonzero_parameters")).isEqualTo(250);
            assertThat(((Map<?, ?>) row.get("settings")).get("compression")).isEqualTo(4.0);
            assertThat(((Map<?, ?>) row.get("metrics")).get("layerSparsity")).isEqualTo(Map.of("fc1", 0.75));
        }
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftUntouched() throws IOException {
        Path notes = dir.resolve("notes.db");
        Files.writeString(notes, "my precious notes, not a database\n");
        byte[] before = Files.readAllBytes(notes);
        assertThatThrownBy(() -> ResultsStore.open(notes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notes.toString()).hasMessageContaining("not an SQLite database");
        assertThat(Files.readAllBytes(notes)).isEqualTo(before);
    }

    @Test
    void anotherApplicationsSqliteDatabaseIsRefusedAndLeftUntouched() throws IOException, SQLException {
        Path foreign = dir.resolve("app.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + foreign);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (name TEXT)");
            s.execute("INSERT INTO users VALUES ('ada')");
        }
        byte[] before = Files.readAllBytes(foreign);
        assertThatThrownBy(() -> ResultsStore.open(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(foreign.toString()).hasMessageContaining("something else")
                .hasMessageContaining("users");
        assertThat(Arrays.equals(Files.readAllBytes(foreign), before)).isTrue();
        assertThat(Files.exists(dir.resolve("app.db-wal"))).isFalse();
    }
}
