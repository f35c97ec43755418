package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class ScoresCommandTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void compareScoresEveryGroupByEachCriterionAndRanksThemAgainstTheFirst() throws Exception {
        Path csv = dir.resolve("scores.csv");
        int code = Prune4jCli.run("scores", "--model", "lenet5", "--compare", "oracle,taylor,l1", "--data", "synthetic",
                "--batches", "1", "--batch-size", "8", "--out", csv.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(r.get("methods")).isEqualTo(List.of("oracle", "taylor", "l1"));
        List<Map<String, Object>> groups = (List<Map<String, Object>>) r.get("groups");
        assertThat(groups).extracting(g -> g.get("id")).containsExactly("conv1+relu1+pool1", "conv2+relu2+pool2+flatten",
                "fc1+relu3", "fc2+relu4");
        int channels = 0;
        for (Map<String, Object> g : groups) {
            int n = (Integer) g.get("channels");
            channels += n;
            ((Map<String, List<?>>) g.get("scores")).values().forEach(s -> assertThat(s).hasSize(n));
            Map<String, Map<String, Double>> agreement = (Map<String, Map<String, Double>>) g.get("agreement");
            assertThat(agreement).containsOnlyKeys("taylor", "l1");
            assertThat(agreement.get("taylor").get("spearman")).isBetween(-1.0, 1.0);
        }
        assertThat((Map<String, Object>) r.get("pooled")).containsOnlyKeys("taylor", "l1");
        assertThat((Map<String, Object>) r.get("meanOverGroups")).containsOnlyKeys("taylor", "l1");
        assertThat(Files.readAllLines(csv)).hasSize(1 + 3 * channels).first().isEqualTo("group,channel,method,score");

        // the same groups, ids and scores when a criterion runs alone; the text names the reference
        out.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--method", "l1", "--json")).as(err.toString()).isZero();
        Map<String, Object> alone = new ObjectMapper().readValue(lastLine(), Map.class);
        List<Map<String, Object>> aloneGroups = (List<Map<String, Object>>) alone.get("groups");
        for (int i = 0; i < groups.size(); i++) {
            assertThat(aloneGroups.get(i).get("id")).isEqualTo(groups.get(i).get("id"));
            assertThat(((Map<?, ?>) aloneGroups.get(i).get("scores")).get("l1"))
                    .isEqualTo(((Map<?, ?>) groups.get(i).get("scores")).get("l1"));
        }
        assertThat(alone).doesNotContainKey("pooled");
        out.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--compare", "l1,l2")).isZero();
        assertThat(out.toString()).contains("group fc1+relu3 (120 channels)").contains("rank correlation with l1")
                .contains("pooled").contains("mean over groups");
    }

    @Test
    @SuppressWarnings("unchecked")
    void bottlenecksListTheGroupsAGlobalRankingKeepsAlmostWhole() throws Exception {
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--compare", "sosp-h,l1", "--data", "synthetic",
                "--batches", "1", "--batch-size", "16", "--bottlenecks", "0.5", "--json")).as(err.toString()).isZero();
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        Map<String, Object> b = (Map<String, Object>) r.get("bottlenecks");
        assertThat(b).containsEntry("removedFraction", 0.5).containsEntry("keptAtLeast", 0.9);
        Map<String, Map<String, Object>> byMethod = (Map<String, Map<String, Object>>) b.get("byMethod");
        assertThat(byMethod).containsOnlyKeys("sosp-h", "l1");
        for (Map<String, Object> m : byMethod.values()) {
            Map<String, Integer> kept = (Map<String, Integer>) m.get("kept");
            // half of the 226 channels of conv1, conv2, fc1 and fc2 go
            assertThat(kept.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(113);
            for (Object flagged : (List<?>) m.get("bottlenecks")) {
                int channels = ((List<Map<String, Object>>) r.get("groups")).stream().filter(g -> g.get("id").equals(flagged))
                        .mapToInt(g -> (Integer) g.get("channels")).findFirst().orElseThrow();
                assertThat(kept.get(flagged)).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * channels));
            }
        }
        out.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--method", "l1", "--bottlenecks", "0.5")).isZero();
        assertThat(out.toString()).contains("when 50% of all channels are removed");
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--method", "l1", "--bottlenecks", "1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--bottlenecks").contains("1.5");
    }

    @Test
    void badRequestsAreRefusedWithExitTwoAndSayWhatIsWrong() {
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--method", "taylor")).isEqualTo(2);
        assertThat(err.toString()).contains("--data is missing").contains("taylor");
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--method", "hessian")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown criterion 'hessian'").contains("l1, l2").contains("oracle");
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--compare", "l1")).isEqualTo(2);
        assertThat(err.toString()).contains("--compare needs at least two");
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--compare", "l1,l1")).isEqualTo(2);
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5", "--compare", "l1,fisher")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown criterion 'fisher'");
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", "lenet5")).isEqualTo(2);
        assertThat(err.toString()).contains("--method").contains("--compare");
        err.reset();
        assertThat(Prune4jCli.run("scores", "--model", dir.resolve("none.p4j").toString(), "--method", "l1")).isEqualTo(2);
        assertThat(err.toString()).contains("none.p4j");
    }
}
