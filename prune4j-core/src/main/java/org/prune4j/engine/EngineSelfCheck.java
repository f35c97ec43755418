package org.prune4j.engine;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link KnownAnswerCheck} in a child JVM, one per engine configuration: oneDNN's
 * instruction-set cap can only be chosen before its first convolution, and a faulty kernel can
 * crash the process (SIGSEGV, SIGFPE were seen), which must not take the user's process with
 * it. The child runs with {@code ONEDNN_VERBOSE=1}, so the parent also learns which
 * instruction set and which convolution kernels oneDNN used.
 */
public final class EngineSelfCheck {

    private static final String RESULT_PREFIX = "prune4j-engine-check ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EngineSelfCheck() {}

    /**
     * The child's entry point: the parent forces the configuration with {@code -Dprune4j.engine.config},
     * so {@link Engines#get()} applies it without checking again.
     */
    public static void main(String[] args) throws IOException {
        String configuration = System.getProperty(EngineGuard.CONFIG_PROPERTY, EngineConfiguration.DEFAULT.name());
        CheckAttempt attempt = CheckAttempt.of(configuration, KnownAnswerCheck.ofEngine().run());
        System.out.println(RESULT_PREFIX + JSON.writeValueAsString(attempt));
        System.out.flush();
    }

    /** Whether this JVM can start a child JVM (it cannot when embedded without a launcher). */
    static boolean canFork() {
        return Files.isExecutable(javaLauncher());
    }

    /** Runs the check in a child JVM started in {@code configuration}; never throws for the child's failures. */
    static CheckAttempt inChild(EngineConfiguration configuration, long timeoutSeconds) {
        long start = System.nanoTime();
        Path log = null;
        try {
            log = Files.createTempFile("prune4j-engine-check", ".log");
            ProcessBuilder pb = new ProcessBuilder(command(configuration, log.getParent()));
            pb.environment().putAll(configuration.environment());
            pb.environment().put("ONEDNN_VERBOSE", "1");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process child = pb.start();
            boolean finished = child.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String problem = finished ? null : "timed out after " + timeoutSeconds + " s";
            return parse(configuration, lines, finished ? child.exitValue() : -1, seconds, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the engine check in a child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the engine check ran", e);
        } finally {
            deleteQuietly(log);
        }
    }

    private static List<String> command(EngineConfiguration configuration, Path errorDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaLauncher().toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        // a crash report goes to the temp folder, not into the user's working directory
        cmd.add("-XX:ErrorFile=" + errorDir.resolve("prune4j-engine-check-hs_err_%p.log"));
        for (String name : System.getProperties().stringPropertyNames()) {
            if ((name.startsWith("ai.djl.") || name.startsWith("prune4j.")) && !name.equals(EngineGuard.CONFIG_PROPERTY)) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.add("-D" + EngineGuard.CONFIG_PROPERTY + "=" + configuration.name());
        cmd.add(EngineSelfCheck.class.getName());
        return cmd;
    }

    /** Reads the child's output: the result line, oneDNN's verbose lines, or the crash report. */
    static CheckAttempt parse(EngineConfiguration configuration, List<String> lines, int exitCode, double seconds,
            String timeout) {
        String isa = null;
        TreeSet<String> kernels = new TreeSet<>();
        CheckAttempt result = null;
        for (String line : lines) {
            if (line.startsWith(RESULT_PREFIX)) {
                try {
                    result = JSON.readValue(line.substring(RESULT_PREFIX.length()), CheckAttempt.class);
                } catch (IOException e) {
                    result = null;
                }
            } else if (line.startsWith("onednn_verbose")) {
                // e.g. "onednn_verbose,v1,info,cpu,isa:Intel AVX2 with Intel DL Boost" and
                // "onednn_verbose,v1,primitive,exec,cpu,convolution,jit_1x1:avx2,forward_training,..."
                int at = line.indexOf(",isa:");
                if (at >= 0) {
                    isa = line.substring(at + 5).trim();
                }
                String[] f = line.split(",");
                for (int i = 2; i + 1 < f.length; i++) {
                    if (f[i].equals("convolution") && f[i - 2].equals("exec")) {
                        kernels.add(f[i + 1]);
                    }
                }
            }
        }
        List<String> kernelList = List.copyOf(kernels);
        if (timeout != null || result == null || exitCode != 0) {
            String problem = timeout != null ? timeout : crashDescription(lines, exitCode);
            return new CheckAttempt(configuration.name(), 0, List.of(), 0, 0, isa, kernelList, seconds, problem);
        }
        return result.withOneDnn(isa, kernelList, seconds);
    }

    /** "crashed: SIGSEGV ... in dnnl::..." from the JVM's fatal-error header, or the exit code and last line. */
    private static String crashDescription(List<String> lines, int exitCode) {
        String signal = null;
        String frame = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (signal == null && line.startsWith("#  SIG")) {
                signal = line.substring(3).trim();
            }
            if (frame == null && line.startsWith("# Problematic frame:") && i + 1 < lines.size()) {
                frame = lines.get(i + 1).replaceFirst("^#\\s*", "").trim();
            }
        }
        if (signal != null) {
            return "crashed: " + signal + (frame == null ? "" : " in " + frame);
        }
        String last = lines.stream().filter(l -> !l.startsWith("onednn_verbose") && !l.isBlank())
                .reduce((a, b) -> b).orElse("(no output)");
        return "exited with code " + exitCode + " without a result; last output: " + last;
    }

    private static Path javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file; the OS cleans up
            }
        }
    }
}
