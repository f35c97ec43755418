package org.prune4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.report.ReportWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class LotteryBenchTest {

    @TempDir
    Path dir;

    private static final String GRID = """
            name: tickets
            models: [mlp]
            data: synthetic
            train_limit: 256
            test_limit: 128
            pretrain: {epochs: 1, lr: 0.05, batch_size: 64}
            seeds: [0]
            latency: false
            lottery:
              rate: 0.5
              rounds: 2
              variants:
                - {rewind: init, controls: [reinit]}
                - {rewind: lr}
            """;

    private BenchSpec spec(String text) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, text);
        return BenchSpec.read(file);
    }

    @Test
    void aLotteryGridRecordsEveryRoundAndAResumedRunRetrainsOnlyTheRoundsItLacks() throws Exception {
        BenchSpec spec = spec(GRID);
        Path db = dir.resolve("results.db");
        try (ResultsStore store = ResultsStore.open(db)) {
            assertThat(BenchRunner.builder().setSpec(spec).setStore(store).build().run())
                    .isEqualTo(new BenchRunner.Summary(2, 0, 2, 0, 0));
            List<Map<String, Object>> runs = store.runs();
            assertThat(runs).extracting(r -> r.get("kind")).containsOnly("lottery");
            Map<String, Object> init = runs.stream().filter(r -> settingsOf(r).get("rewind").equals("init")).findFirst()
                    .orElseThrow();
            Map<?, ?> lottery = (Map<?, ?>) ((Map<?, ?>) init.get("metrics")).get("lottery");
            assertThat((List<?>) lottery.get("rounds")).hasSize(2);
            assertThat(((Map<?, ?>) ((List<?>) lottery.get("rounds")).get(1)).get("controls").toString()).contains("reinit");
            assertThat((double) init.get("actual_compression")).as("two rounds of 50%% of the hidden weights")
                    .isGreaterThan(2.5);
            assertThat(((Map<?, ?>) init.get("provenance")).get("savedStates").toString())
                    .contains("init.p4j", "rewind.p4j", "round-1.p4j", "round-2-masks.p4j");
            List<Path> report = ReportWriter.write(store, dir.resolve("report"));
            assertThat(report).extracting(p -> p.getFileName().toString()).contains("lottery.md", "lottery-mlp.png");

            // killed during the second round of the init run: its row and its last round never landed
            String id = (String) init.get("id");
            Path states = dir.resolve("results.db.models/lottery-" + id);
            for (String f : new String[] {"round-2.json", "round-2.p4j", "round-2-masks.p4j", "ticket.p4j"}) {
                Files.delete(states.resolve(f));
            }
            delete(db, id);
        }
        List<String> log = new ArrayList<>();
        try (ResultsStore store = ResultsStore.open(db)) {
            assertThat(BenchRunner.builder().setSpec(spec).setStore(store).optLog(log::add).build().run())
                    .isEqualTo(new BenchRunner.Summary(2, 1, 1, 0, 0));
            assertThat(store.runs()).hasSize(2);
        }
        assertThat(log).anyMatch(l -> l.contains("dense:") && l.contains("trained already"))
                .anyMatch(l -> l.contains("rounds 1-1: done already"))
                .anyMatch(l -> l.contains("round 2/2")).noneMatch(l -> l.contains("round 1/2"));
    }

    @Test
    void aLostRewindStateOrARewindBeyondTheDenseTrainingStopsTheGridBeforeAnyTraining() throws Exception {
        Path db = dir.resolve("results.db");
        try (ResultsStore store = ResultsStore.open(db)) {
            BenchRunner.builder().setSpec(spec(GRID)).setStore(store).build().run();
            Map<String, Object> first = store.runs().get(0);
            Files.delete(dir.resolve("results.db.models/lottery-" + first.get("id") + "/rewind.p4j"));
            delete(db, (String) first.get("id"));
        }
        List<String> log = new ArrayList<>();
        try (ResultsStore store = ResultsStore.open(db)) {
            assertThatThrownBy(() -> BenchRunner.builder().setSpec(spec(GRID)).setStore(store).optLog(log::add).build().run())
                    .hasMessageContaining("rewind.p4j is missing");
        }
        try (ResultsStore other = ResultsStore.open(dir.resolve("other.db"))) {
            // 256 images in batches of 64: 4 steps of dense training
            BenchSpec beyond = spec(GRID.replace("{rewind: lr}", "{rewind: \"iteration:5\"}"));
            assertThatThrownBy(() -> BenchRunner.builder().setSpec(beyond).setStore(other).optLog(log::add).build().run())
                    .hasMessageContaining("rewind iteration:5 goes to step 5, beyond the dense training's 4 steps")
                    .hasMessageContaining("mlp lottery rewind iteration:5 seed 0");
        }
        assertThat(log).as("nothing trained").isEmpty();
    }

    @Test
    void badLotterySettingsNameTheirKey() {
        assertThatThrownBy(() -> spec(GRID.replace("rate: 0.5", "rate: 1.5")))
                .hasMessageContaining("lottery.rate").hasMessageContaining("(0, 1), got 1.5");
        assertThatThrownBy(() -> spec(GRID.replace("{rewind: lr}", "{rewind: \"iteration:x\"}")))
                .hasMessageContaining("lottery.variants[1].rewind");
        assertThatThrownBy(() -> spec(GRID.replace("rounds: 2", "rounds: 2\n  target_density: 0.1")))
                .hasMessageContaining("either 'rounds' or 'target_density'");
        assertThatThrownBy(() -> spec(GRID.replace("controls: [reinit]", "controls: [shuffle]")))
                .hasMessageContaining("lottery.variants[0].controls[0]");
    }

    private static Map<?, ?> settingsOf(Map<String, Object> row) {
        return (Map<?, ?>) ((Map<?, ?>) row.get("settings")).get("lottery");
    }

    private static void delete(Path db, String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement s = c.prepareStatement("DELETE FROM runs WHERE id = ?")) {
            s.setString(1, id);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }
}
