package org.prune4j.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class BenchSpecTest {

    @TempDir
    Path dir;

    static final String VALID = """
            name: t
            models: [mlp]
            data: synthetic
            seeds: [0, 1]
            methods: [global-magnitude, nm-2:4]
            compressions: [2, 4]
            structured: {criteria: [l1], targets: [macs=2x]}
            """;

    Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("shippedExamples")
    void everyShippedExampleIsValid(String example) {
        BenchSpec spec = BenchSpec.read(Path.of("..", "examples", example));
        assertThat(RunPlan.of(spec)).isNotEmpty();
    }

    static List<String> shippedExamples() throws IOException {
        try (var files = Files.list(Path.of("..", "examples"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("bench-"))
                    .sorted().toList();
            assertThat(names).hasSizeGreaterThan(10);
            return names;
        }
    }

    @Test
    void thePlanHasADenseRunPerModelAndSeedAndEveryMethodBudgetPair() {
        List<RunSettings> plan = assertValid(VALID);
        // per seed: dense + 2 compressions × global-magnitude + one N:M run + one structured run
        assertThat(plan).hasSize(2 * 5);
        assertThat(plan.get(0).dense()).isTrue();
        Set<String> ids = new HashSet<>();
        plan.forEach(r -> ids.add(r.id()));
        assertThat(ids).hasSize(plan.size());
    }

    @Test
    void everyAllocationOfTheSpecIsARunOfItsOwnAndAScopeIsTheOneAllocationForm() throws IOException {
        List<RunSettings> plan = RunPlan.of(BenchSpec.read(write("alloc.yaml", VALID.replace(
                "structured: {criteria: [l1], targets: [macs=2x]}",
                "structured: {criteria: [l1], allocations: [uniform, sensitivity, fa], targets: [macs=2x]}"))));
        assertThat(plan.stream().filter(r -> r.kind() == RunKind.STRUCTURED && r.seed() == 0).map(RunSettings::scope))
                .containsExactly("uniform", "sensitivity", "fa");
        List<RunSettings> scoped = RunPlan.of(BenchSpec.read(write("scope.yaml", VALID.replace(
                "targets: [macs=2x]}", "scope: fa, targets: [macs=2x]}"))));
        assertThat(scoped.stream().filter(r -> r.kind() == RunKind.STRUCTURED).map(RunSettings::id))
                .isSubsetOf(plan.stream().map(RunSettings::id).toList()).hasSize(2);
    }

    @Test
    void regimesRunWithTheCriteriaAndMethodsTheyAcceptAndEqualEpochsGiveRunsWithoutOneAsManyEpochs()
            throws IOException {
        List<RunSettings> plan = RunPlan.of(BenchSpec.read(write("regimes.yaml", VALID.replace(
                "structured: {criteria: [l1], targets: [macs=2x]}",
                "finetune: {epochs: 1}\nstructured: {criteria: [l1, bn-scale], targets: [macs=2x]}\nregimes: [increg, "
                        + "slimming, unify]\nregime_epochs: 2\nregime_passes: 2\nequal_epochs: true"))));
        List<RunSettings> structured = plan.stream().filter(r -> r.kind() == RunKind.STRUCTURED && r.seed() == 0)
                .toList();
        assertThat(structured).extracting(r -> r.method() + " " + (r.regime() == null ? "-" : r.regime().get("name")))
                .containsExactly("l1 -", "l1 increg", "bn-scale -", "bn-scale increg", "bn-scale slimming");
        // slimming, 2 passes of 2 epochs with the penalty and 1 of fine-tuning: 6 epochs; increg 2 + 1
        assertThat(structured).extracting(r -> ((Number) r.fineTune().get("epochs")).intValue())
                .containsExactly(6, 1, 6, 1, 1);
        assertThat(structured.get(1).label()).isEqualTo("mlp structured l1 macs=2x global increg seed 0");
        // unify takes the unstructured method with a compression, not the N:M pattern; the plain runs get 6 epochs
        List<RunSettings> unstructured = plan.stream().filter(r -> r.kind() == RunKind.UNSTRUCTURED && r.seed() == 0)
                .toList();
        assertThat(unstructured).extracting(RunSettings::label).containsExactly(
                "mlp global-magnitude ×2 seed 0", "mlp global-magnitude ×2 unify seed 0",
                "mlp global-magnitude ×4 seed 0", "mlp global-magnitude ×4 unify seed 0", "mlp nm-2:4 seed 0");
        assertThat(unstructured).extracting(r -> ((Number) r.fineTune().get("epochs")).intValue())
                .containsExactly(6, 1, 6, 1, 6);
    }

    @Test
    void everyRunFindsItsDenseBaseInThePlan() {
        List<RunSettings> plan = assertValid(VALID);
        Set<String> denseIds = new HashSet<>();
        plan.stream().filter(RunSettings::dense).forEach(r -> denseIds.add(r.id()));
        plan.forEach(r -> assertThat(denseIds).contains(r.denseBase().id()));
    }

    @Test
    void runIdsDependOnTheRunsSettingsOnly() throws IOException {
        List<RunSettings> a = assertValid(VALID);
        List<RunSettings> b = RunPlan.of(BenchSpec.read(write("other-name.yaml",
                VALID.replace("name: t", "name: renamed").replace("[2, 4]", "[4, 2, 8]"))));
        RunSettings x4a = a.stream().filter(r -> Double.valueOf(4).equals(r.compression())).findFirst().orElseThrow();
        RunSettings x4b = b.stream().filter(r -> Double.valueOf(4).equals(r.compression()) && r.seed() == x4a.seed())
                .findFirst().orElseThrow();
        assertThat(x4b.id()).isEqualTo(x4a.id());
        assertThat(b.get(0).id()).as("the dense run does not depend on the methods").isEqualTo(a.get(0).id());
        List<RunSettings> c = RunPlan.of(BenchSpec.read(write("lr.yaml", VALID + "finetune: {lr: 0.02}\n")));
        assertThat(c.get(1).id()).as("a different fine-tuning recipe is a different run").isNotEqualTo(a.get(1).id());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key           | compresions: [2]                       | 'compresions': unknown key; allowed keys are",
        "unknown method        | methods: [magnitud]                    | 'methods[0]': unknown method 'magnitud'; allowed: [random, global-magnitude",
        "ratio below one       | compressions: [2, 0.5]                 | 'compressions[1]': a compression ratio must be a number >= 1",
        "wrong type            | compressions: [two]                    | 'compressions[0]': a compression ratio must be a number >= 1 (4 keeps a quarter of the parameters), got 'two' (a string)",
        "unknown data          | data: imagenet                         | 'data': unknown data set 'imagenet'; allowed: [fashion-mnist",
        "unknown model         | models: [lenet6]                       | 'models[0]': 'lenet6' is neither a zoo model",
        "bad schedule          | schedule: cubic                        | 'schedule': unknown pruning schedule 'cubic'; allowed: [oneshot, iterative, agp, singe]",
        "bad lr schedule       | finetune: {lr_schedule: cosin}         | 'finetune.lr_schedule': unknown learning-rate schedule 'cosin'; allowed: [constant, step, cosine, onecycle]",
        "old recipe key        | finetune: {schedule: cosine}           | 'finetune.schedule': renamed: a recipe's learning-rate schedule is 'lr_schedule'",
        "old structured key    | 'structured: {methods: [l1], targets: [macs=2x]}' | 'structured.methods': renamed: structured pruning ranks channels by 'criteria'",
        "unknown criterion     | 'structured: {criteria: [l3], targets: [macs=2x]}' | 'structured.criteria[0]': unknown criterion 'l3'; allowed: [random, l1, l2",
        "bad normalizer        | 'structured: {criteria: [l1], targets: [macs=2x], normalizer: median}' | 'structured.normalizer': unknown normalizer 'median'",
        "unknown allocation    | 'structured: {criteria: [l1], allocations: [global, local], targets: [macs=2x]}' | 'structured.allocations[1]': unknown allocation 'local'; known are [uniform, global, sensitivity",
        "regime for nothing    | regimes: [slimming]                    | 'regimes[0]': accepts none of the criteria [l1] and methods [global-magnitude, nm-2:4]: regime 'slimming' pushes batch-norm scales to zero and prunes by them: use --criterion bn-scale (got 'l1')",
        "unknown regime        | regimes: [anneal]                      | 'regimes[0]': unknown regime 'anneal'; known are [slimming, increg, spp, smcp",
        "scope and allocations | 'structured: {criteria: [l1], scope: global, allocations: [pa], targets: [macs=2x]}' | 'structured.scope': give either 'scope' (one allocation) or 'allocations' (a list)",
        "bad recipe key        | finetune: {epoch: 2}                   | 'finetune.epoch': unknown key",
        "bad structured target | 'structured: {criteria: [l1], targets: [speed=2x]}' | 'structured.targets[0]': target 'speed=2x': unknown quantity",
        "seeds of wrong type   | seeds: [zero]                          | 'seeds[0]': expected a whole number >= 0, got 'zero'",
        "unknown corruption    | 'evaluate: {corruptions: [fog]}'       | 'evaluate.corruptions[0]': unknown corruption 'fog'; allowed: [gaussian-noise",
        "severity above five   | 'evaluate: {severities: [1, 6]}'       | 'evaluate.severities[1]': a severity is a whole number from 1 to 5, got 6",
        "severity zero         | 'evaluate: {severities: [0]}'          | 'evaluate.severities[0]': a severity is a whole number from 1 to 5, got 0",
        "bad evaluate key      | 'evaluate: {corruption: [fog]}'        | 'evaluate.corruption': unknown key",
        "negative limit        | 'evaluate: {limit: -5}'                | 'evaluate.limit': expected a whole number >= 0, got -5",
    })
    void invalidSpecsAreRejectedNamingTheFileTheKeyAndTheAllowedValues(String what, String line, String expected)
            throws IOException {
        String key = line.substring(0, line.indexOf(':'));
        String text = VALID.lines().filter(l -> !l.startsWith(key + ":")).reduce("", (x, y) -> x + y + "\n") + line + "\n";
        Path f = write("bad.yaml", text);
        assertThatThrownBy(() -> BenchSpec.read(f)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(expected);
    }

    @Test
    void brokenYamlAndMissingFilesAreNamed() throws IOException {
        Path broken = write("broken.yaml", "models: [mlp\ndata: synthetic\n");
        assertThatThrownBy(() -> BenchSpec.read(broken)).hasMessageContaining(broken.toString())
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> BenchSpec.read(dir.resolve("none.yaml"))).hasMessageContaining("no such file");
    }

    private List<RunSettings> assertValid(String text) {
        try {
            return RunPlan.of(BenchSpec.read(write("ok.yaml", text)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
