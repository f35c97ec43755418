package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class EngineGuardTest {

    private static final EngineConfiguration AVX2 = EngineConfiguration.isaCap("AVX2");
    private static final EngineConfiguration SSE41 = EngineConfiguration.isaCap("SSE41");

    @Test
    void theFirstConfigurationThatPassesIsChosenAfterTheOnesThatFailed() {
        List<String> tried = new ArrayList<>();
        EngineGuard.Verdict v = EngineGuard.choose(List.of(EngineConfiguration.DEFAULT, AVX2, SSE41), c -> {
            tried.add(c.name());
            return c.equals(SSE41) ? passed(c) : wrong(c);
        }, "test");
        assertThat(tried).containsExactly("default", "isa:AVX2", "isa:SSE41");
        assertThat(v.usable()).isTrue();
        assertThat(v.configuration()).isEqualTo(SSE41);
        assertThat(v.provenance()).startsWith("isa:SSE41 (default: 1 of 76 cases wrong, e.g. conv 16x22x14x14");
    }

    @Test
    void whenTheDefaultPassesNothingElseIsTried() {
        List<String> tried = new ArrayList<>();
        EngineGuard.Verdict v = EngineGuard.choose(List.of(EngineConfiguration.DEFAULT, AVX2), c -> {
            tried.add(c.name());
            return passed(c);
        }, "test");
        assertThat(tried).containsExactly("default");
        assertThat(v.configuration()).isEqualTo(EngineConfiguration.DEFAULT);
    }

    @Test
    void noPassingConfigurationGivesAVerdictThatRefusesToRun() {
        EngineGuard.Verdict v = EngineGuard.choose(List.of(EngineConfiguration.DEFAULT, SSE41),
                c -> c.equals(SSE41) ? crashed(c) : wrong(c), "test");
        assertThat(v.usable()).isFalse();
        assertThat(v.attemptSummaries()).containsExactly(
                "default: 1 of 76 cases wrong, e.g. conv 16x22x14x14 -> 8 k3 s1 g1 contiguous: y relative error 0.2",
                "isa:SSE41: crashed: SIGSEGV (0xb) at pc=0x1");
    }

    @Test
    void aVerdictSurvivesTheCacheFileUnchanged(@TempDir Path dir) throws Exception {
        EngineGuard.Verdict v = EngineGuard.choose(List.of(EngineConfiguration.DEFAULT, AVX2),
                c -> c.equals(AVX2) ? passed(c) : crashed(c), "checked in child processes");
        Path file = dir.resolve("verdict.json");
        ObjectMapper json = new ObjectMapper();
        json.writeValue(file.toFile(), v);
        EngineGuard.Verdict back = json.readValue(file.toFile(), EngineGuard.Verdict.class);
        assertThat(back).isEqualTo(v);
        assertThat(Files.readString(file)).contains("\"configurationName\":\"isa:AVX2\"", "SIGSEGV");
    }

    @Test
    void fallbacksSkipCapsThatWouldNotChangeThePathAndNeverRaiseTheUsersCap() {
        ProcessorInfo amx = cpu("avx", "avx2", "avx512f", "avx512_vnni", "amx_tile");
        assertThat(EngineConfiguration.fallbacks(amx, null)).extracting(EngineConfiguration::name)
                .containsExactly("default", "isa:AVX512_CORE", "isa:AVX2", "isa:SSE41", "no-onednn");
        ProcessorInfo avx512Only = cpu("avx", "avx2", "avx512f");
        assertThat(EngineConfiguration.fallbacks(avx512Only, null)).extracting(EngineConfiguration::name)
                .containsExactly("default", "isa:AVX2", "isa:SSE41", "no-onednn");
        ProcessorInfo avx2 = cpu("avx", "avx2");
        assertThat(EngineConfiguration.fallbacks(avx2, null)).extracting(EngineConfiguration::name)
                .containsExactly("default", "isa:SSE41", "no-onednn");
        assertThat(EngineConfiguration.fallbacks(amx, "AVX2")).extracting(EngineConfiguration::name)
                .containsExactly("default", "isa:SSE41", "no-onednn");
        assertThat(EngineConfiguration.fallbacks(amx, "SSE41")).extracting(EngineConfiguration::name)
                .containsExactly("default", "no-onednn");
    }

    @Test
    void configurationNamesParseAndBadOnesAreRefusedWithTheAllowedForms() {
        assertThat(EngineConfiguration.parse("isa:avx2")).isEqualTo(AVX2);
        assertThat(EngineConfiguration.parse("no-onednn")).isSameAs(EngineConfiguration.NO_ONEDNN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineConfiguration.parse("fast"))
                .hasMessageContaining("'fast'").hasMessageContaining("isa:NAME");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineConfiguration.parse("isa:AVX2; rm"))
                .hasMessageContaining("ONEDNN_MAX_CPU_ISA");
    }

    private static ProcessorInfo cpu(String... flags) {
        return new ProcessorInfo("AuthenticAMD", "test", "26", "2", "0", List.of(flags), List.of(),
                String.join(" ", flags));
    }

    private static CheckAttempt passed(EngineConfiguration c) {
        return new CheckAttempt(c.name(), 76, List.of(), 0, 1e-6, "Intel AVX2", List.of("jit:avx2"), 3.5, null);
    }

    private static CheckAttempt wrong(EngineConfiguration c) {
        return new CheckAttempt(c.name(), 76,
                List.of("conv 16x22x14x14 -> 8 k3 s1 g1 contiguous: y relative error 0.2"), 1, 1e-6,
                "Intel AVX-512", List.of("jit:avx512_core"), 3.5, null);
    }

    private static CheckAttempt crashed(EngineConfiguration c) {
        return new CheckAttempt(c.name(), 0, List.of(), 0, 0, null, List.of(), 1.0, "crashed: SIGSEGV (0xb) at pc=0x1");
    }
}
