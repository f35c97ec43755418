package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The child-process side of the guard: real children in two configurations, and reading a crash. */
class EngineSelfCheckTest {

    @Test
    void aChildCappedAtSse41UsesOnlySse41KernelsAndPasses() {
        CheckAttempt a = EngineSelfCheck.inChild(EngineConfiguration.isaCap("SSE41"), 300);
        assertThat(a.problem()).isNull();
        assertThat(a.passed()).as(a.summary()).isTrue();
        assertThat(a.isa()).contains("SSE4.1");
        assertThat(a.convolutionKernels()).isNotEmpty()
                .allSatisfy(k -> assertThat(k).doesNotContain("avx"));
    }

    @Test
    void aChildWithoutOneDnnRunsNoOneDnnConvolutionAndPasses() {
        CheckAttempt a = EngineSelfCheck.inChild(EngineConfiguration.NO_ONEDNN, 300);
        assertThat(a.passed()).as(a.summary()).isTrue();
        assertThat(a.convolutionKernels()).isEmpty();
    }

    /** Without child JVMs the guard checks in its own process, whose check uses the engine it guards. */
    @Test
    void theInProcessCheckDecidesWithoutRecursingIntoTheGuard(@TempDir Path cache) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=2", "-Dprune4j.engine.check=in-process", "-Dprune4j.cacheDir=" + cache,
                InProcessGuardMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("| checked in this process | [default: passed 92 cases",
                "known answers after the verdict: true");
        assertThat(cache).isDirectoryContaining("glob:**/engine-check-*.json");
    }

    @Test
    void aCrashedChildIsAFailedAttemptNamingTheSignalAndTheFrame() {
        List<String> transcript = List.of(
                "onednn_verbose,v1,info,cpu,isa:Intel AVX-512 with Intel DL Boost and bfloat16 support",
                "onednn_verbose,v1,primitive,exec,cpu,convolution,jit_1x1:avx512_core,backward_weights,src:f32",
                "#",
                "# A fatal error has been detected by the Java Runtime Environment:",
                "#",
                "#  SIGSEGV (0xb) at pc=0x00007f3c1d2e1a4b, pid=4242, tid=4260",
                "#",
                "# Problematic frame:",
                "# C  [libtorch_cpu.so+0x5e1a4b]  dnnl::impl::cpu::x64::jit_avx512_common_1x1_convolution_bwd_weights_t"
                        + "::execute_backward_weights",
                "#");
        CheckAttempt a = EngineSelfCheck.parse(EngineConfiguration.DEFAULT, transcript, 134, 2.0, null);
        assertThat(a.passed()).isFalse();
        assertThat(a.problem()).isEqualTo("crashed: SIGSEGV (0xb) at pc=0x00007f3c1d2e1a4b, pid=4242, tid=4260 in "
                + "C  [libtorch_cpu.so+0x5e1a4b]  dnnl::impl::cpu::x64::jit_avx512_common_1x1_convolution_bwd_weights_t"
                + "::execute_backward_weights");
        assertThat(a.isa()).isEqualTo("Intel AVX-512 with Intel DL Boost and bfloat16 support");
        assertThat(a.convolutionKernels()).containsExactly("jit_1x1:avx512_core");
    }

    @Test
    void aChildThatEndsWithoutAResultFailsWithItsLastWords() {
        CheckAttempt a = EngineSelfCheck.parse(EngineConfiguration.DEFAULT,
                List.of("Floating point exception"), 136, 1.0, null);
        assertThat(a.problem()).isEqualTo("exited with code 136 without a result; last output: Floating point exception");
        CheckAttempt hung = EngineSelfCheck.parse(EngineConfiguration.DEFAULT, List.of(), -1, 300, "timed out after 300 s");
        assertThat(hung.summary()).isEqualTo("default: timed out after 300 s");
    }

    @Test
    void aResultLineIsRead() {
        CheckAttempt a = EngineSelfCheck.parse(EngineConfiguration.isaCap("AVX2"), List.of(
                "prune4j-engine-check {\"configuration\":\"isa:AVX2\",\"cases\":76,"
                        + "\"failures\":[\"conv x: y relative error 0.2\"],\"failureCount\":3,"
                        + "\"worstPassingError\":2.0E-6,\"isa\":null,\"convolutionKernels\":[],\"seconds\":1.5,"
                        + "\"problem\":null}",
                "onednn_verbose,v1,info,cpu,isa:Intel AVX2"), 0, 3.0, null);
        assertThat(a.passed()).isFalse();
        assertThat(a.failureCount()).isEqualTo(3);
        assertThat(a.summary()).isEqualTo("isa:AVX2: 3 of 76 cases wrong, e.g. conv x: y relative error 0.2");
        assertThat(a.isa()).isEqualTo("Intel AVX2");
        assertThat(a.seconds()).as("the child's wall time, not its own count").isEqualTo(3.0);
    }
}
