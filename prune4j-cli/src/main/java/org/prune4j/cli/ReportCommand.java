package org.prune4j.cli;

import org.prune4j.experiment.ResultsStore;
import org.prune4j.report.LotteryReport;
import org.prune4j.report.ReportWriter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j report results.db --out report/}: plots and an HTML page from a results database;
 * {@code prune4j report runs/lottery --out report/}: the lottery-ticket study of a directory of
 * {@code prune4j lottery} runs.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write plots (PNG and SVG) and an HTML page from a results database, or the accuracy per "
                + "round (lottery.md, lottery-MODEL.png) from a directory of 'prune4j lottery --out' runs.")
final class ReportCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "DB|DIR", description = "Results database written by 'prune4j bench', or "
            + "a directory of 'prune4j lottery --out' runs.")
    Path db;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--delta", paramLabel = "POINTS", description = "Prune potential's tolerance in accuracy points "
            + "(default: the evaluating spec's evaluate.delta, else 0.5).")
    Double delta;

    @Override
    public Integer call() {
        if (delta != null && !(delta >= 0)) {
            throw new IllegalArgumentException("--delta must be >= 0, got " + delta);
        }
        List<Path> files;
        if (LotteryReport.isLotteryDirectory(db)) {
            files = LotteryReport.write(db, out);
        } else if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("results database " + db + " does not exist");
        } else {
            try (ResultsStore store = ResultsStore.open(db)) {
                files = delta == null ? ReportWriter.write(store, out) : ReportWriter.write(store, out, delta);
            }
        }
        if (common.json) {
            System.out.println(CommonOptions.toJson(Map.of("source", db.toString(), "files",
                    files.stream().map(Path::toString).toList())));
        } else {
            files.forEach(System.out::println);
        }
        return 0;
    }
}
