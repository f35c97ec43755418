package org.prune4j.cli;

import org.prune4j.engine.CheckAttempt;
import org.prune4j.engine.EngineGuard;
import org.prune4j.engine.Engines;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j doctor}: the processor, the instruction set oneDNN uses, the engine's
 * known-answer check and the configuration in use. Exit code 1 when no configuration computes
 * correctly on this machine.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check that the engine computes correctly on this processor and show its configuration.")
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--recheck", description = "Forget the cached verdict for this machine and check again.")
    boolean recheck;

    @Override
    public Integer call() throws IOException {
        common.applyEngineSettings();
        if (recheck) {
            EngineGuard.forgetCachedVerdict();   // before anything starts the engine
        }
        EngineGuard.Verdict v = EngineGuard.verdict();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("processor", v.processor());
        out.put("versions", v.usable() ? Engines.versions() : Map.of());
        out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        out.put("onednnMaxCpuIsa", System.getenv("ONEDNN_MAX_CPU_ISA"));
        out.put("configuration", v.configurationName());
        out.put("decided", v.how());
        out.put("checkedAt", v.checkedAt());
        out.put("cacheFile", v.cacheFile());
        out.put("attempts", v.attempts());
        if (common.json) {
            System.out.println(CommonOptions.toJson(out));
        } else {
            print(v);
        }
        return v.usable() ? 0 : 1;
    }

    private static void print(EngineGuard.Verdict v) {
        System.out.printf("processor       %s%n", v.processor().summary());
        System.out.printf("vector flags    %s%n", String.join(" ", v.processor().vectorFlags()));
        System.out.printf("caches          %s%n", String.join("; ", v.processor().caches()));
        if (v.usable()) {
            Map<String, String> versions = Engines.versions();
            System.out.printf("versions        prune4j %s, DJL %s, %s, Java %s%n", versions.get("prune4j"),
                    versions.get("djl"), versions.get("engine"), versions.get("java"));
        }
        System.out.printf("threads         %s%n", System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap != null) {
            System.out.printf("ONEDNN_MAX_CPU_ISA %s (set in the environment)%n", cap);
        }
        System.out.printf("engine check    %s%s%n", v.how(), v.cacheFile() == null ? "" : " (" + v.cacheFile() + ")");
        for (CheckAttempt a : v.attempts()) {
            System.out.printf("  %s%n", a.summary());
            for (String failure : a.failures()) {
                System.out.printf("      %s%n", failure);
            }
            if (a.isa() != null) {
                System.out.printf("      oneDNN instruction set: %s%n", a.isa());
            }
            if (!a.convolutionKernels().isEmpty()) {
                System.out.printf("      oneDNN convolution kernels: %s%n", String.join(", ", a.convolutionKernels()));
            }
        }
        System.out.printf("configuration   %s%n", v.usable() ? v.configurationName()
                : "none: every configuration computed wrong results; prune4j refuses to run");
    }
}
