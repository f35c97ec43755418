package org.prune4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the engine computes convolutions: oneDNN as the processor allows ({@code default}), oneDNN
 * capped at an instruction set ({@code isa:AVX2}, {@code isa:SSE41}, … as oneDNN's
 * {@code ONEDNN_MAX_CPU_ISA} names them), or PyTorch's own kernels without oneDNN
 * ({@code no-onednn}). oneDNN's vectorized paths differ by processor; on some processors some
 * of them compute wrong results or crash (issue 9), which the {@link EngineGuard} detects.
 */
public final class EngineConfiguration {

    static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    public static final EngineConfiguration DEFAULT = new EngineConfiguration("default", null, true);
    public static final EngineConfiguration NO_ONEDNN = new EngineConfiguration("no-onednn", null, false);

    private final String name;
    private final String isa;
    private final boolean oneDnn;

    private EngineConfiguration(String name, String isa, boolean oneDnn) {
        this.name = name;
        this.isa = isa;
        this.oneDnn = oneDnn;
    }

    /** oneDNN limited to {@code isa} and below (e.g. {@code AVX2}, {@code SSE41}). */
    public static EngineConfiguration isaCap(String isa) {
        if (isa == null || !isa.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not an instruction-set name for " + ISA_VARIABLE + ": " + isa);
        }
        String upper = isa.toUpperCase(Locale.ROOT);
        return new EngineConfiguration("isa:" + upper, upper, true);
    }

    /** Parses {@code default}, {@code no-onednn} or {@code isa:NAME}. */
    public static EngineConfiguration parse(String name) {
        String n = name.trim();
        if (n.equals(DEFAULT.name)) {
            return DEFAULT;
        }
        if (n.equals(NO_ONEDNN.name)) {
            return NO_ONEDNN;
        }
        if (n.startsWith("isa:")) {
            return isaCap(n.substring(4));
        }
        throw new IllegalArgumentException("unknown engine configuration '" + name
                + "': expected default, no-onednn or isa:NAME (e.g. isa:AVX2, isa:SSE41)");
    }

    /**
     * The configurations to try on {@code cpu}, in this order, until one passes the known-answer
     * check: fastest first (docs/BENCHMARKS.md, "Engine correctness across instruction sets"), skipping caps that
     * would not change oneDNN's path on this processor. SSE4.1 comes before {@code no-onednn}
     * (about as fast) because it is the one seen to compute correctly on the machine of issue 9.
     * A cap the user set in {@code ONEDNN_MAX_CPU_ISA} is the default and is never raised.
     */
    static List<EngineConfiguration> fallbacks(ProcessorInfo cpu, String userIsaCap) {
        List<EngineConfiguration> list = new ArrayList<>();
        list.add(DEFAULT);
        Set<String> flags = Set.copyOf(cpu.vectorFlags());
        if (userIsaCap == null) {
            boolean aboveAvx512Core = flags.contains("amx_tile") || flags.contains("avx512_vnni")
                    || flags.contains("avx512_bf16") || flags.contains("avx512_fp16");
            if (flags.contains("avx512f") && aboveAvx512Core) {
                list.add(isaCap("AVX512_CORE"));
            }
            if (flags.contains("avx512f")) {
                list.add(isaCap("AVX2"));
            }
        }
        if (!"SSE41".equalsIgnoreCase(userIsaCap) && (flags.contains("avx") || userIsaCap != null)) {
            list.add(isaCap("SSE41"));
        }
        list.add(NO_ONEDNN);
        return list;
    }

    public String name() {
        return name;
    }

    /**
     * Applies this configuration to the running process. An instruction-set cap only takes
     * effect before oneDNN's first convolution (the guard applies it first thing); the oneDNN
     * switch works at any time.
     */
    void apply() {
        if (isa != null) {
            NativeSwitches.setenv(ISA_VARIABLE, isa);
        }
        if (!oneDnn || !NativeSwitches.oneDnnEnabled()) {   // also turns oneDNN back on after a no-onednn check
            NativeSwitches.setOneDnnEnabled(oneDnn);
        }
    }

    /** Environment variables a child process needs to start in this configuration. */
    Map<String, String> environment() {
        return isa == null ? Map.of() : Map.of(ISA_VARIABLE, isa);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineConfiguration other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
