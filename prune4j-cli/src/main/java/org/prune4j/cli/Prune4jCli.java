package org.prune4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code prune4j} command: train, evaluate, summarize, prune, benchmark and report. */
@Command(name = "prune4j", mixinStandardHelpOptions = true, version = "prune4j 0.1.0",
        description = "Neural-network pruning toolkit for the JVM.",
        subcommands = {TrainCommand.class, EvalCommand.class, EvaluateCommand.class, SummaryCommand.class, ZooCommand.class,
            MeasureCommand.class, PruneCommand.class, BenchCommand.class, ReportCommand.class, InspectCommand.class,
            LatencyCommand.class, ExportCommand.class, ScoresCommand.class, FairifyCommand.class, LotteryCommand.class,
            GateCommand.class, DoctorCommand.class})
public final class Prune4jCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code: 0 success, 1 failure, 2 bad arguments. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Prune4jCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean badInput = e instanceof IllegalArgumentException;
            commandLine.getErr().println("error: " + e.getMessage());
            if (System.getenv("PRUNE4J_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return badInput ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }
}
