package org.prune4j.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The processor as oneDNN sees it, read from Linux's {@code /proc/cpuinfo} and
 * {@code /sys/devices/system/cpu/cpu0/cache}: vendor, model, instruction-set flags and cache
 * geometry are what make oneDNN choose its code paths and block sizes, so they identify the
 * machine for the engine check's cache. Fields are "unknown" where the files are missing.
 */
public record ProcessorInfo(String vendor, String modelName, String family, String model, String stepping,
        List<String> vectorFlags, List<String> caches, String allFlags) {

    /** The flags that decide oneDNN's instruction-set paths, shown by {@code doctor}. */
    private static final Set<String> VECTOR_FLAGS = Set.of("sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw",
            "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512_vp2intersect", "avx_vnni",
            "amx_tile", "amx_bf16", "amx_int8");

    private static final String UNKNOWN = "unknown";

    public static ProcessorInfo current() {
        return read(Path.of("/proc/cpuinfo"), Path.of("/sys/devices/system/cpu/cpu0/cache"));
    }

    static ProcessorInfo read(Path cpuinfo, Path cacheDir) {
        Map<String, String> fields = firstProcessor(cpuinfo);
        String flags = fields.getOrDefault("flags", "");
        List<String> vector = new ArrayList<>(new TreeSet<>(Arrays.asList(flags.split("\\s+"))));
        vector.retainAll(VECTOR_FLAGS);
        return new ProcessorInfo(fields.getOrDefault("vendor_id", UNKNOWN), fields.getOrDefault("model name", UNKNOWN),
                fields.getOrDefault("cpu family", UNKNOWN), fields.getOrDefault("model", UNKNOWN),
                fields.getOrDefault("stepping", UNKNOWN), vector, caches(cacheDir), flags);
    }

    /** A short hash of everything above: equal fingerprints, same oneDNN code paths. */
    public String fingerprint() {
        return sha256(String.join("|", vendor, modelName, family, model, stepping, allFlags, caches.toString()));
    }

    /** One line for logs and provenance, e.g. "GenuineIntel Intel(R) Xeon(R) Processor (family 6 model 207)". */
    public String summary() {
        return vendor + " " + modelName + " (family " + family + " model " + model + " stepping " + stepping + ")";
    }

    private static Map<String, String> firstProcessor(Path cpuinfo) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    if (!fields.isEmpty()) {
                        break;
                    }
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException e) {
            // not Linux, or no /proc: the fingerprint then only distinguishes what it can
        }
        return fields;
    }

    /** E.g. "L1 Data 48K shared by 0", "L3 Unified 307200K shared by 0-1". */
    private static List<String> caches(Path cacheDir) {
        List<String> caches = new ArrayList<>();
        try (Stream<Path> entries = Files.list(cacheDir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                caches.add("L" + read(index.resolve("level")) + " " + read(index.resolve("type")) + " "
                        + read(index.resolve("size")) + " shared by " + read(index.resolve("shared_cpu_list")));
            }
        } catch (IOException e) {
            // no sysfs cache description
        }
        return caches;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "?";
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
