package org.prune4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.report.ReportWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class BenchRunnerTest {

    @TempDir
    Path dir;

    @Test
    void aGridRunsOnceRecordsEveryMetricAndASecondCallRedoesNothing() throws IOException {
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, """
                name: tiny
                models: [mlp]
                data: synthetic
                train_limit: 512
                test_limit: 256
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 1, lr: 0.01}
                methods: [global-magnitude, layer-magnitude-grad]
                compressions: [4]
                structured: {criteria: [l1], targets: [params=2x]}
                latency: false
                """);
        BenchSpec spec = BenchSpec.read(specFile);
        Path db = dir.resolve("results.db");
        try (ResultsStore store = ResultsStore.open(db)) {
            BenchRunner.Summary first = BenchRunner.builder().setSpec(spec).setStore(store).build().run();
            assertThat(first).isEqualTo(new BenchRunner.Summary(4, 0, 4, 0, 0));
            BenchRunner.Summary second = BenchRunner.builder().setSpec(spec).setStore(store).build().run();
            assertThat(second).isEqualTo(new BenchRunner.Summary(4, 4, 0, 0, 0));

            List<Map<String, Object>> runs = store.runs();
            assertThat(runs).hasSize(4);
            Map<String, Object> magnitude = runs.stream().filter(r -> r.get("method").equals("global-magnitude"))
                    .findFirst().orElseThrow();
            assertThat((double) magnitude.get("actual_compression")).isBetween(3.9, 4.1);
            assertThat((double) magnitude.get("theoretical_speedup")).isGreaterThan(2);
            assertThat(number(magnitude, "nonzero_parameters") * 4).isCloseTo(number(magnitude, "parameters"),
                    org.assertj.core.data.Percentage.withPercentage(2));
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) magnitude.get("metrics");
            assertThat(details).containsKeys("before", "afterPruning", "afterFineTuning", "reference", "pruned",
                    "steps", "seconds", "sizeBytesDense");
            assertThat(((Map<?, ?>) details.get("pruned")).containsKey("layerSparsity")).isTrue();
            assertThat(((Map<?, ?>) magnitude.get("provenance")).containsKey("parent")).isTrue();
            Map<String, Object> structured = runs.stream().filter(r -> r.get("kind").equals("structured"))
                    .findFirst().orElseThrow();
            assertThat(number(structured, "parameters")).as("structured pruning makes the model smaller")
                    .isLessThan(number(runs.get(0), "parameters"));

            List<Path> report = ReportWriter.write(store, dir.resolve("report"));
            assertThat(report).extracting(p -> p.getFileName().toString())
                    .contains("index.html", "accuracy-vs-compression-mlp.png", "accuracy-vs-compression-mlp.svg",
                            "accuracy-vs-speedup-mlp.png", "accuracy-vs-speedup-mlp.svg");
            String html = Files.readString(dir.resolve("report/index.html"));
            assertThat(html).contains("global-magnitude", "layer-magnitude-grad", "structured l1 (global)",
                    "accuracy-vs-compression-mlp.png");
            assertThat(html).as("a masked model's latency is not reported as a speed-up")
                    .contains("none: masked weights run the same dense kernels");
            assertThat(Files.size(dir.resolve("report/accuracy-vs-compression-mlp.png"))).isGreaterThan(5000);
            assertThat(html).as("every run's clean behaviour, without an evaluate key")
                    .contains("behaviour beyond accuracy", "agreement, least confident", "Prune potential");
            assertThat(report).extracting(p -> p.getFileName().toString())
                    .contains("reliability-mlp-global-magnitude.png").doesNotContain("severity-mlp-global-magnitude.png");
        }
    }

    @Test
    void fromScratchTwinsTrainThePrunedArchitectureAndMasksFromANewInitializationForTheSameTotalEpochs()
            throws IOException {
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, """
                name: scratch
                models: [mlp]
                data: synthetic
                train_limit: 512
                test_limit: 256
                pretrain: {epochs: 2, lr: 0.05}
                finetune: {epochs: 1, lr: 0.01}
                methods: [global-magnitude]
                compressions: [4]
                structured: {criteria: [l1], targets: [params=2x]}
                from_scratch: true
                latency: false
                """);
        BenchSpec spec = BenchSpec.read(specFile);
        Path db = dir.resolve("results.db");
        try (ResultsStore store = ResultsStore.open(db)) {
            assertThat(BenchRunner.builder().setSpec(spec).setStore(store).build().run())
                    .isEqualTo(new BenchRunner.Summary(5, 0, 5, 0, 0));
            List<Map<String, Object>> runs = store.runs();
            for (String kind : new String[] {"unstructured", "structured"}) {
                Map<String, Object> tuned = row(runs, kind, null);
                Map<String, Object> scratch = row(runs, kind, "scratch");
                Map<?, ?> details = (Map<?, ?>) scratch.get("metrics");
                assertThat(((Map<?, ?>) details.get("recipe")).get("epochs")).as("2 dense + 1 fine-tuning epochs").isEqualTo(3);
                assertThat(details.get("architectureOf")).isEqualTo(tuned.get("id"));
                assertThat(number(scratch, "parameters")).isEqualTo(number(tuned, "parameters"));
                assertThat(number(scratch, "nonzero_parameters")).isEqualTo(number(tuned, "nonzero_parameters"));
                assertThat((double) scratch.get("actual_compression")).as("against the dense model")
                        .isCloseTo((double) tuned.get("actual_compression"), org.assertj.core.data.Offset.offset(1e-6));
                try (Model a = Checkpoint.load(dir.resolve("results.db.models/" + tuned.get("id") + ".p4j"));
                        Model b = Checkpoint.load(dir.resolve("results.db.models/" + scratch.get("id") + ".p4j"))) {
                    assertThat(b.graph().toString()).isEqualTo(a.graph().toString());
                    float[] wa = a.parameter("fc1", "weight").value().toFloatArray();
                    float[] wb = b.parameter("fc1", "weight").value().toFloatArray();
                    int kept = 0;
                    int differ = 0;
                    for (int i = 0; i < wa.length; i++) {
                        assertThat(wb[i] == 0).as("%s fc1[%d]: the same zeros", kind, i).isEqualTo(wa[i] == 0);
                        kept += wa[i] != 0 ? 1 : 0;
                        differ += wa[i] != wb[i] ? 1 : 0;
                    }
                    assertThat(differ).as("new values").isGreaterThan(kept * 9 / 10);
                }
            }
            assertThat(BenchRunner.builder().setSpec(spec).setStore(store).build().run().ran()).isZero();
            ReportWriter.write(store, dir.resolve("report"));
            assertThat(Files.readString(dir.resolve("report/index.html")))
                    .contains("global-magnitude (from scratch)", "structured l1 (global, from scratch)");
        }
    }

    private static Map<String, Object> row(List<Map<String, Object>> runs, String kind, String retrain) {
        return runs.stream().filter(r -> r.get("kind").equals(kind)
                && java.util.Objects.equals(((Map<?, ?>) r.get("settings")).get("retrain"), retrain)).findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEvaluateKeyAddsBehaviourToEveryRunOnceAndNewSettingsReEvaluateWithoutRetraining() throws IOException {
        String grid = """
                name: tiny-behaviour
                models: [mlp]
                data: synthetic
                train_limit: 512
                test_limit: 128
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 1, lr: 0.01}
                methods: [global-magnitude]
                compressions: [2, 8]
                latency: false
                """;
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, grid + "evaluate: {corruptions: [gaussian-noise, rotation], severities: [1, 5]}\n");
        Path db = dir.resolve("results.db");
        try (ResultsStore store = ResultsStore.open(db)) {
            BenchRunner.Summary first = BenchRunner.builder().setSpec(BenchSpec.read(specFile)).setStore(store).build().run();
            assertThat(first).isEqualTo(new BenchRunner.Summary(3, 0, 3, 0, 3));
            BenchRunner.Summary again = BenchRunner.builder().setSpec(BenchSpec.read(specFile)).setStore(store).build().run();
            assertThat(again).isEqualTo(new BenchRunner.Summary(3, 3, 0, 0, 0));

            Map<String, Map<String, Object>> behaviour = store.behaviour();
            assertThat(behaviour).hasSize(3);
            for (Map<String, Object> run : store.runs()) {
                Map<String, Object> b = behaviour.get((String) run.get("id"));
                assertThat(((Map<String, Object>) b.get("clean")).get("top1")).as("clean accuracy is the run's")
                        .isEqualTo(run.get("top1_finetuned"));
                assertThat((List<Map<String, Object>>) b.get("conditions")).extracting(c -> c.get("condition"))
                        .containsExactly("gaussian-noise@1", "gaussian-noise@5", "rotation@1", "rotation@5");
                assertThat((Map<String, Object>) b.get("agreement")).containsKeys("overall", "leastConfident");
            }
            Map<String, Object> dense = store.runs().stream().filter(r -> r.get("kind").equals("dense")).findFirst()
                    .orElseThrow();
            assertThat(((Map<String, Object>) behaviour.get((String) dense.get("id")).get("agreement")).get("overall"))
                    .as("the dense model is its own reference").isEqualTo(1.0);

            List<Path> report = ReportWriter.write(store, dir.resolve("report"));
            assertThat(report).extracting(p -> p.getFileName().toString())
                    .contains("severity-mlp-global-magnitude.png", "reliability-mlp-global-magnitude.png");
            assertThat(Files.readString(dir.resolve("report/index.html")))
                    .contains("behaviour beyond accuracy", "Prune potential", "rotation@5", "agreement, least confident");
            assertThat(Files.readString(dir.resolve("report/behaviour.md"))).contains("| rotation@5 |", "| dense |");
        }
        // other conditions: the finished runs' saved models are evaluated again, nothing is retrained
        Files.writeString(specFile, grid + "evaluate: {corruptions: [contrast], severities: [3], limit: 100}\n");
        try (ResultsStore store = ResultsStore.open(db)) {
            BenchRunner.Summary changed = BenchRunner.builder().setSpec(BenchSpec.read(specFile)).setStore(store).build().run();
            assertThat(changed).isEqualTo(new BenchRunner.Summary(3, 3, 0, 0, 3));
            assertThat((List<Map<String, Object>>) store.behaviour().values().iterator().next().get("conditions"))
                    .extracting(c -> c.get("condition")).containsExactly("contrast@3");
            assertThat(((Number) store.behaviour().values().iterator().next().get("examples")).intValue())
                    .as("limit: 100 evaluates the first 100 test examples only").isEqualTo(100);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"iterative", "agp"})
    void scheduledPruningReachesTheRequestedCompressionAndNofMFallsBackToOneShot(String schedule) throws IOException {
        // 512 images in batches of 128, 2 epochs: 8 training steps; AGP prunes at steps 1..6
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, """
                models: [mlp]
                data: synthetic
                train_limit: 512
                test_limit: 128
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 2, lr: 0.01}
                methods: [global-magnitude, nm-2:4]
                compressions: [4]
                schedule_steps: 2
                latency: false
                schedule: %s
                """.formatted(schedule));
        try (ResultsStore store = ResultsStore.open(dir.resolve("s.db"))) {
            BenchRunner.builder().setSpec(BenchSpec.read(specFile)).setStore(store).build().run();
            Map<String, Object> magnitude = store.runs().stream().filter(r -> r.get("method").equals("global-magnitude"))
                    .findFirst().orElseThrow();
            assertThat((double) magnitude.get("actual_compression")).isBetween(3.9, 4.1);
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) magnitude.get("metrics");
            assertThat(details.get("schedule")).isEqualTo(schedule);
            assertThat((java.util.List<?>) details.get("steps")).hasSize(schedule.equals("iterative") ? 2 : 6);
            Map<String, Object> nm = store.runs().stream().filter(r -> r.get("method").equals("nm-2:4"))
                    .findFirst().orElseThrow();
            assertThat((double) nm.get("actual_compression")).isBetween(1.8, 2.0);
            @SuppressWarnings("unchecked")
            Map<String, Object> nmDetails = (Map<String, Object>) nm.get("metrics");
            assertThat(nmDetails.get("schedule")).as("N:M reaches its pattern in one step").isEqualTo("oneshot");
            assertThat((java.util.List<?>) nmDetails.get("steps")).hasSize(1);
        }
    }

    @Test
    void aFailingRunIsReportedAndLeftForTheNextCallWhileTheOthersAreRecorded() throws IOException {
        Path specFile = dir.resolve("spec.yaml");
        Files.writeString(specFile, """
                models: [mlp]
                data: synthetic
                train_limit: 256
                test_limit: 128
                pretrain: {epochs: 1, lr: 0.05}
                finetune: {epochs: 1, lr: 0.01}
                methods: [global-magnitude]
                compressions: [2, 100000]
                latency: false
                """);
        java.util.List<String> log = new java.util.ArrayList<>();
        try (ResultsStore store = ResultsStore.open(dir.resolve("f.db"))) {
            BenchRunner.Summary s = BenchRunner.builder().setSpec(BenchSpec.read(specFile)).setStore(store)
                    .optLog(log::add).build().run();
            assertThat(s).isEqualTo(new BenchRunner.Summary(3, 0, 2, 1, 0));
            assertThat(log).anyMatch(l -> l.contains("FAILED") && l.contains("compression 100000"));
            assertThat(store.runs()).hasSize(2);
        }
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }
}
