package org.prune4j.engine;

import java.util.List;

/**
 * The known-answer check of one engine configuration, as it ran in its own process.
 *
 * @param configuration the configuration's name ({@code default}, {@code isa:AVX2}, …)
 * @param cases how many cases ran
 * @param failures the cases that failed, with their errors (at most {@value #MAX_FAILURES})
 * @param failureCount how many cases failed
 * @param worstPassingError the largest relative error among the cases that passed
 * @param isa the instruction set oneDNN reported using, or null when it did not run
 * @param convolutionKernels oneDNN's convolution implementations that ran, e.g. {@code jit:avx512_core}
 * @param seconds wall time of the child process
 * @param problem null when the check ran to its end; else why not (a crash, a timeout)
 */
public record CheckAttempt(String configuration, int cases, List<String> failures, int failureCount,
        double worstPassingError, String isa, List<String> convolutionKernels, double seconds, String problem) {

    static final int MAX_FAILURES = 10;

    /** The attempt a check report makes, before the oneDNN evidence of its process is added. */
    static CheckAttempt of(String configuration, KnownAnswerCheck.CheckReport report) {
        List<String> failures = report.failures().stream().limit(MAX_FAILURES)
                .map(KnownAnswerCheck.CaseResult::toString).toList();
        return new CheckAttempt(configuration, report.cases().size(), failures, report.failures().size(),
                report.worstPassingError(), null, List.of(), report.seconds(), null);
    }

    /** This attempt with what oneDNN reported in its process and the process's wall time. */
    CheckAttempt withOneDnn(String isaUsed, List<String> kernels, double wallSeconds) {
        return new CheckAttempt(configuration, cases, failures, failureCount, worstPassingError, isaUsed, kernels,
                wallSeconds, problem);
    }

    public boolean passed() {
        return problem == null && failureCount == 0 && cases > 0;
    }

    /** One line: "default: passed 136 cases (worst error 2.1e-07) in 4.2 s" or what went wrong. */
    public String summary() {
        if (problem != null) {
            return configuration + ": " + problem;
        }
        if (failureCount == 0) {
            return String.format("%s: passed %d cases (worst relative error %.2g) in %.1f s", configuration, cases,
                    worstPassingError, seconds);
        }
        return String.format("%s: %d of %d cases wrong, e.g. %s", configuration, failureCount, cases,
                failures.get(0));
    }
}
