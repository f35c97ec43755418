package org.prune4j.cli;

import org.prune4j.experiment.BenchRunner;
import org.prune4j.experiment.BenchSpec;
import org.prune4j.experiment.ResultsStore;
import org.prune4j.experiment.RunPlan;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j bench spec.yaml --db results.db}: runs a declared grid, resumably. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the experiment grid declared in a YAML or JSON file and record every finished run in a "
                + "SQLite database. Runs already in the database are skipped, so an interrupted benchmark "
                + "resumes where it stopped.", "See examples/ for specs."})
final class BenchCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment file (.yaml, .yml or .json).")
    Path spec;

    @Option(names = "--db", required = true, description = "Results database (SQLite; created if missing).")
    Path db;

    @Option(names = "--dry-run", description = "Validate the spec and list the runs without running them.")
    boolean dryRun;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        BenchSpec parsed = BenchSpec.read(spec); // the whole spec is checked before any run starts
        if (dryRun) {
            RunPlan.of(parsed).forEach(r -> System.out.println(r.id() + "  " + r.label()));
            return 0;
        }
        try (ResultsStore store = ResultsStore.open(db)) {
            BenchRunner.Summary summary = BenchRunner.builder().setSpec(parsed).setStore(store)
                    .optLog(System.err::println).build().run();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("spec", spec.toString());
            out.put("db", db.toString());
            out.put("planned", summary.planned());
            out.put("skipped", summary.skipped());
            out.put("ran", summary.ran());
            out.put("failed", summary.failed());
            out.put("evaluated", summary.evaluated());
            if (common.json) {
                System.out.println(CommonOptions.toJson(out));
            } else {
                System.out.printf("%d runs planned: %d done before, %d run now, %d failed%s. Results in %s%n",
                        summary.planned(), summary.skipped(), summary.ran(), summary.failed(),
                        parsed.evaluate() == null ? "" : "; " + summary.evaluated() + " evaluated beyond accuracy", db);
            }
            if (summary.failed() > 0) {
                System.err.println("error: " + summary.failed() + " run(s) or evaluation(s) failed (see the FAILED lines above); "
                        + "the others are recorded, and running the same command again retries only the failed ones");
                return 1;
            }
        }
        return 0;
    }
}
