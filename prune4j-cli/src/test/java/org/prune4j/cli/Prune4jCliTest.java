package org.prune4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class Prune4jCliTest extends CliOutputCapture {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void doctorNamesTheProcessorTheCheckedConfigurationAndTheEvidence() throws Exception {
        assertThat(Prune4jCli.run("doctor", "--json")).as(err.toString()).isZero();
        Map<String, Object> result = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(result.get("configuration")).isIn("default", "isa:AVX512_CORE", "isa:AVX2", "isa:SSE41", "no-onednn");
        assertThat((Map<String, Object>) result.get("processor")).containsKeys("vendor", "modelName", "vectorFlags",
                "caches");
        assertThat((Map<String, Object>) result.get("versions")).containsKey("engineConfiguration");
        // in this JVM the verdict was checked in child processes or read from their cached result
        assertThat((java.util.List<Map<String, Object>>) result.get("attempts")).isNotEmpty()
                .allSatisfy(a -> assertThat(a).containsKeys("configuration", "cases", "failures", "isa",
                        "convolutionKernels"));
    }

    @Test
    void aMisspelledFineTuningScheduleIsRefusedBeforeTheModelIsRead() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("junk.p4j"), "not a checkpoint");
        int code = Prune4jCli.run("prune", "--model", notAModel.toString(), "--criterion", "l1", "--target", "macs=2x",
                "--data", "synthetic", "--finetune-lr-schedule", "cosin");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown learning-rate schedule 'cosin'").doesNotContain("checkpoint");
    }

    @Test
    void stepsWithAScheduleThatTakesNoneAreRefusedBeforeTheModelIsRead() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("junk.p4j"), "not a checkpoint");
        int code = Prune4jCli.run("prune", "--model", notAModel.toString(), "--criterion", "l1", "--target", "macs=2x",
                "--data", "synthetic", "--schedule", "agp", "--steps", "3");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--steps").contains("--schedule agp").doesNotContain("checkpoint");
    }

    @Test
    void trainPrintsOneJsonObjectWithTestAccuracyAndSavesACheckpointThatEvalReads() throws Exception {
        Path run = dir.resolve("run");
        int code = Prune4jCli.run("train", "--model", "lenet5", "--data", "synthetic", "--epochs", "2",
                "--lr", "0.05", "--seed", "0", "--out", run.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat((Double) result.get("testAccuracy")).isGreaterThan(0.9);
        assertThat(result).containsKeys("summary", "history", "provenance");
        assertThat(Files.exists(run.resolve("model.p4j"))).isTrue();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);

        out.reset();
        // no --data: eval takes the data set from the model's provenance
        assertThat(Prune4jCli.run("eval", "--model", run.toString(), "--json")).as(err.toString()).isZero();
        Map<?, ?> eval = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(eval.get("data")).isEqualTo("synthetic");
        assertThat((Double) eval.get("top1")).isEqualTo((Double) result.get("testAccuracy"));

        // a second run into the same directory replaces the metrics instead of appending to them
        assertThat(Prune4jCli.run("train", "--model", "lenet5", "--data", "synthetic", "--epochs", "1",
                "--out", run.toString(), "--json")).isZero();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(1);
    }

    @Test
    void pruneRemovesChannelsFromATrainedModelAndReportsTheEvidence() throws Exception {
        Path run = dir.resolve("run");
        assertThat(Prune4jCli.run("train", "--model", "lenet5", "--data", "synthetic", "--epochs", "2",
                "--lr", "0.05", "--out", run.toString(), "--json")).as(err.toString()).isZero();
        out.reset();
        Path pruned = dir.resolve("pruned");
        int code = Prune4jCli.run("prune", "--model", run.toString(), "--criterion", "taylor", "--scope", "global",
                "--target", "macs=2x", "--steps", "2", "--finetune-epochs", "1", "--calibration-batches", "2",
                "--out", pruned.toString(), "--json");
        assertThat(code).as(err.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> r = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat((Double) r.get("macReduction")).isGreaterThanOrEqualTo(2.0);
        assertThat(r).containsKeys("accuracyBefore", "accuracyAfterPruning", "accuracyAfterFineTuning",
                "latency", "steps", "channels", "provenance", "output");
        assertThat(r.get("schedule")).isEqualTo("iterative");
        assertThat((List<?>) r.get("steps")).hasSize(2);
        Map<?, ?> b128 = (Map<?, ?>) ((Map<?, ?>) r.get("latency")).get("batch128");
        assertThat(((Number) b128.get("speedUpLow")).doubleValue())
                .isLessThanOrEqualTo(((Number) b128.get("speedUp")).doubleValue());
        assertThat(((Number) ((Map<?, ?>) r.get("pruned")).get("parameters")).longValue())
                .isLessThan(((Number) ((Map<?, ?>) r.get("reference")).get("parameters")).longValue());
        assertThat(Files.exists(pruned.resolve("model.p4j"))).isTrue();
        // the pruned model's provenance: the schedule, on fine-tuning, on the pruning, on the trained model's
        String provenance = r.get("provenance").toString();
        assertThat(provenance).startsWith("{kind=pruning-run").contains("schedule=iterative")
                .contains("parent={kind=train").contains("parent={kind=prune").contains("criterion=taylor")
                .contains("calibrationBatches=2").contains("kind=init");

        // EigenDamage: re-parameterized in the eigenbasis, its extra 1x1 layers counted in the reduction
        out.reset();
        assertThat(Prune4jCli.run("prune", "--model", run.toString(), "--criterion", "eigendamage", "--target", "macs=2x",
                "--finetune-epochs", "1", "--calibration-batches", "2", "--no-latency", "--json")).as(err.toString()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> ed = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat((Double) ed.get("macReduction")).isGreaterThanOrEqualTo(2.0);
        assertThat(ed.get("provenance").toString()).contains("criterion=eigendamage");

        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", run.toString(), "--criterion", "l1", "--target", "macs=1000x",
                "--out", dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("macs=1000x").contains("the most this model allows");
        assertThat(Files.exists(dir.resolve("nope"))).isFalse();
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", run.toString(), "--criterion", "hessian", "--target", "ratio=0.5")).isEqualTo(2);
        assertThat(err.toString()).contains("hessian").contains("taylor");
        err.reset();
        assertThat(Prune4jCli.run("prune", "--model", run.toString(), "--criterion", "l1", "--target", "ratio=1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("1.5").contains("(0, 1)");
    }

    @Test
    void summaryPrintsTotalsOfAZooModel() throws Exception {
        assertThat(Prune4jCli.run("summary", "--model", "lenet5", "--json")).isZero();
        Map<?, ?> s = new ObjectMapper().readValue(lastLine(), Map.class);
        assertThat(((Number) s.get("parameters")).longValue()).isEqualTo(61_706);
    }

    @Test
    void badArgumentsExitWithTwoAndAClearMessage() {
        assertThat(Prune4jCli.run("train", "--model", "resnet19", "--data", "synthetic")).isEqualTo(2);
        assertThat(err.toString()).contains("resnet19").contains("resnet20");
        err.reset();
        assertThat(Prune4jCli.run("train", "--model", "lenet5", "--epochs", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("many");
        err.reset();
        assertThat(Prune4jCli.run("train", "--model", "lenet5", "--data", "synthetic", "--lr-schedule", "zigzag")).isEqualTo(2);
        assertThat(err.toString()).contains("zigzag");
        err.reset();
        assertThat(Prune4jCli.run("eval", "--model", dir.resolve("nothing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nothing");
        err.reset();
        assertThat(Prune4jCli.run("eval", "--model", "resnet20")).isEqualTo(2);
        assertThat(err.toString()).contains("train it first");
        err.reset();
        assertThat(Prune4jCli.run("measure", "memory", "--model", "lenet5", "--steps", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--steps");
    }

    @Test
    void aMissingDataSetSaysHowToInstallIt() {
        int code = Prune4jCli.run("train", "--model", "lenet5", "--data-dir", dir.resolve("no-such-dir").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("apt-get install -y dataset-fashion-mnist");
    }
}
