package org.prune4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

class ProcessorInfoTest {

    @Test
    void readsTheProcessorAndCachesOfTheReportedMachine(@TempDir Path dir) throws Exception {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, String.join("\n",
                "processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "model\t\t: 2",
                "model name\t: AMD EPYC 9B45", "stepping\t: 1",
                "flags\t\t: fpu sse4_1 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni avx512_bf16 avx512_vp2intersect",
                "", "processor\t: 1", "vendor_id\t: SomethingElse", ""));
        Path caches = dir.resolve("cache");
        cache(caches.resolve("index0"), "1", "Data", "48K", "0");
        cache(caches.resolve("index2"), "2", "Unified", "1024K", "0");
        cache(caches.resolve("index3"), "3", "Unified", "520192K", "0-1");
        ProcessorInfo p = ProcessorInfo.read(cpuinfo, caches);
        assertThat(p.summary()).isEqualTo("AuthenticAMD AMD EPYC 9B45 (family 26 model 2 stepping 1)");
        assertThat(p.vectorFlags()).containsExactly("avx", "avx2", "avx512_bf16", "avx512_vnni", "avx512_vp2intersect",
                "avx512bw", "avx512f", "avx512vl", "fma", "sse4_1");
        assertThat(p.caches()).containsExactly("L1 Data 48K shared by 0", "L2 Unified 1024K shared by 0",
                "L3 Unified 520192K shared by 0-1");

        String before = p.fingerprint();
        cache(caches.resolve("index3"), "3", "Unified", "32768K", "0-1");
        assertThat(ProcessorInfo.read(cpuinfo, caches).fingerprint()).as("cache geometry is part of the identity")
                .isNotEqualTo(before);
    }

    @Test
    void missingFilesGiveUnknownFieldsNotErrors(@TempDir Path dir) {
        ProcessorInfo p = ProcessorInfo.read(dir.resolve("none"), dir.resolve("none"));
        assertThat(p.vendor()).isEqualTo("unknown");
        assertThat(p.caches()).isEmpty();
        assertThat(p.fingerprint()).hasSize(16);
    }

    private static void cache(Path index, String level, String type, String size, String shared) throws Exception {
        Files.createDirectories(index);
        Files.writeString(index.resolve("level"), level + "\n");
        Files.writeString(index.resolve("type"), type + "\n");
        Files.writeString(index.resolve("size"), size + "\n");
        Files.writeString(index.resolve("shared_cpu_list"), shared + "\n");
    }
}
