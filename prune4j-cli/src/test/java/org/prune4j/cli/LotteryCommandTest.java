package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class LotteryCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void lotteryReportsEveryRoundWithItsControlsAndSavesTheTicketAndThePlot() throws Exception {
        // 256 training images in batches of 64: 4 steps per epoch, 8 in all
        int code = Prune4jCli.run("lottery", "--model", "mlp", "--width", "0.25", "--data", "synthetic", "--limit",
                "256", "--epochs", "2", "--batch-size", "64", "--lr", "0.05", "--rewind", "iteration:2", "--rate",
                "0.5", "--rounds", "2", "--controls", "reinit", "--out", dir.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        List<Map<String, Object>> rounds = (List<Map<String, Object>>) r.get("rounds");
        assertThat(rounds).hasSize(2);
        assertThat((Double) rounds.get(1).get("density")).isBetween(0.24, 0.26);
        assertThat((Map<String, Object>) rounds.get(1).get("controls")).containsOnlyKeys("reinit");
        assertThat((Map<String, Object>) r.get("settings")).containsEntry("rewind", "iteration:2")
                .containsEntry("retrainSteps", 6);
        for (String file : new String[] {"dense.p4j", "ticket.p4j", "lottery.json", "lottery.png"}) {
            assertThat(dir.resolve(file)).as(file).exists();
        }
        assertThat(Files.readString(dir.resolve("lottery.json"))).contains("\"denseTop1\"");

        assertThat(Prune4jCli.run("report", dir.toString(), "--out", dir.resolve("report").toString()))
                .as(err.toString()).isZero();
        assertThat(Files.readString(dir.resolve("report/lottery.md"))).contains("## mlp",
                "| round | weights left (rewinding) | rewind iteration:2 | rewind iteration:2, reinit |", "| 2 | 25.0% |");
        assertThat(dir.resolve("report/lottery-mlp.png")).isRegularFile();

        out.reset();
        assertThat(Prune4jCli.run("report", dir.toString(), "--out", dir.resolve("report").toString(), "--json"))
                .as(err.toString()).isZero();
        assertThat((List<String>) new ObjectMapper().readValue(lastLine(), Map.class).get("files"))
                .containsExactly(dir.resolve("report/lottery-mlp.png").toString(), dir.resolve("report/lottery.md").toString());
    }

    @Test
    void aRewindBeyondTheDenseTrainingOrARateOutsideZeroToOneIsRefusedBeforeTraining() {
        String[] common = {"lottery", "--model", "mlp", "--width", "0.25", "--data", "synthetic", "--limit", "256",
            "--epochs", "1", "--batch-size", "64", "--out", dir.resolve("never").toString()};
        assertThat(Prune4jCli.run(concat(common, "--rewind", "iteration:5"))).isEqualTo(2);
        assertThat(err.toString()).contains("rewind iteration:5 goes to step 5, beyond the dense training's 4 steps");
        assertThat(Prune4jCli.run(concat(common, "--rate", "1.2"))).isEqualTo(2);
        assertThat(err.toString()).contains("rate must be in (0, 1), got 1.2");
        assertThat(Prune4jCli.run(concat(common, "--rewind", "epoch:3"))).isEqualTo(2);
        assertThat(err.toString()).contains("unknown rewind 'epoch:3'");
        assertThat(Prune4jCli.run(concat(common, "--max-lr", "silo:1,x,1"))).isEqualTo(2);
        assertThat(err.toString()).contains("unknown max-lr 'silo:1,x,1'");
        assertThat(dir.resolve("never")).as("nothing trained, nothing written").doesNotExist();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
