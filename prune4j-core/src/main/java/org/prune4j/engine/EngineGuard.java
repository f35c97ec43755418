package org.prune4j.engine;

import ai.djl.engine.Engine;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Makes sure the engine computes correctly on this processor before prune4j uses it. The first
 * time on a machine (per processor, engine version, thread count and instruction-set cap) it runs
 * the {@link KnownAnswerCheck} in a child JVM for each {@link EngineConfiguration#fallbacks
 * configuration}, fastest first, until one passes; the verdict is cached, so later starts only
 * read a small file. The chosen configuration is applied before the first convolution runs.
 * When the default fails, it says so and names the configuration it switched to.
 *
 * <p>{@code -Dprune4j.engine.config=NAME} (or {@code PRUNE4J_ENGINE_CONFIG}) forces a
 * configuration without checking; the cache lives in {@code -Dprune4j.cacheDir},
 * {@code PRUNE4J_CACHE_DIR}, {@code $XDG_CACHE_HOME/prune4j} or {@code ~/.cache/prune4j}.
 */
public final class EngineGuard {

    static final String CONFIG_PROPERTY = "prune4j.engine.config";
    /** {@code in-process} runs the check in this JVM (default, then no-onednn) instead of children. */
    static final String CHECK_PROPERTY = "prune4j.engine.check";
    private static final long CHILD_TIMEOUT_SECONDS = 120;
    private static final Logger LOG = LoggerFactory.getLogger(EngineGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Verdict verdict;
    /** True while this class decides: its own in-process check then uses the engine unguarded. */
    private static boolean deciding;

    private EngineGuard() {}

    /**
     * Makes sure the configuration is decided and applied (once per process); called by
     * {@link Engines#get()}. Throws, every time, when no configuration computes correctly.
     */
    static synchronized void secure() {
        if (deciding) {
            return;
        }
        Verdict v = verdict();
        if (!v.usable()) {
            throw new IllegalStateException("the engine computes wrong results on this processor in every "
                    + "configuration prune4j knows (" + String.join("; ", v.attemptSummaries())
                    + "). Nothing was run. The verdict is cached in " + v.cacheFile()
                    + "; `prune4j doctor` shows the details");
        }
    }

    /**
     * The configuration in use and the evidence for it, decided and applied on the first call
     * (before the engine runs anything). Does not throw when no configuration passed: see
     * {@link Verdict#usable()}.
     */
    public static synchronized Verdict verdict() {
        if (verdict == null) {
            deciding = true;
            try {
                Verdict v = decide();
                if (v.usable()) {
                    v.configuration().apply();
                }
                verdict = v;
            } finally {
                deciding = false;
            }
            report(verdict);
        }
        return verdict;
    }

    /**
     * Forgets the cached verdict for this machine, so that the next process checks again
     * ({@code prune4j doctor --recheck}). Returns whether there was one.
     */
    public static boolean forgetCachedVerdict() throws IOException {
        return Files.deleteIfExists(cacheFile(cacheKey()));
    }

    private static Verdict decide() {
        String forced = forcedConfiguration();
        if (forced != null) {
            return Verdict.forced(EngineConfiguration.parse(forced));
        }
        String key = cacheKey();
        Path file = cacheFile(key);
        Verdict cached = readCache(file);
        if (cached != null) {
            return cached;
        }
        boolean inProcess = "in-process".equals(System.getProperty(CHECK_PROPERTY)) || !EngineSelfCheck.canFork();
        Verdict checked = !inProcess
                ? choose(EngineConfiguration.fallbacks(ProcessorInfo.current(),
                                System.getenv(EngineConfiguration.ISA_VARIABLE)),
                        c -> EngineSelfCheck.inChild(c, CHILD_TIMEOUT_SECONDS), "checked in child processes")
                : checkInProcess();
        writeCache(file, checked.withCacheFile(file.toString()));
        return checked.withCacheFile(file.toString());
    }

    /**
     * The first configuration whose check passes, with every attempt as evidence; when none
     * passes, a verdict that refuses to run ({@link Verdict#usable()} false).
     */
    static Verdict choose(List<EngineConfiguration> candidates, Function<EngineConfiguration, CheckAttempt> check,
            String how) {
        List<CheckAttempt> attempts = new ArrayList<>();
        for (EngineConfiguration c : candidates) {
            CheckAttempt attempt = check.apply(c);
            attempts.add(attempt);
            if (attempt.passed()) {
                return new Verdict(c.name(), how, attempts, ProcessorInfo.current(), Instant.now().toString(), null);
            }
        }
        return new Verdict(null, how, attempts, ProcessorInfo.current(), Instant.now().toString(), null);
    }

    /**
     * Without a Java launcher to start children (an embedded JVM), or when asked with
     * {@code -Dprune4j.engine.check=in-process}, the check runs here: the default, then
     * PyTorch's own kernels, the one configuration that can be switched after oneDNN has run. A
     * crashing kernel then takes this process down; a child would not.
     */
    private static Verdict checkInProcess() {
        LOG.warn("engine self-check: running in this process (no child JVM: {}/bin/java, {}={}); a crashing "
                + "kernel would end it", System.getProperty("java.home"), CHECK_PROPERTY,
                System.getProperty(CHECK_PROPERTY));
        return choose(List.of(EngineConfiguration.DEFAULT, EngineConfiguration.NO_ONEDNN), c -> {
            c.apply();
            return CheckAttempt.of(c.name(), KnownAnswerCheck.ofEngine().run());
        }, "checked in this process");
    }

    private static void report(Verdict v) {
        if (!v.usable()) {
            return;
        }
        if (v.attempts().isEmpty()) {
            if (!v.configuration().equals(EngineConfiguration.DEFAULT)) {
                LOG.info("engine: configuration {} ({})", v.configuration(), v.how());
            }
            return;
        }
        CheckAttempt first = v.attempts().get(0);
        if (v.attempts().size() > 1) {
            LOG.warn("engine self-check: the default engine configuration computes wrong results on this processor "
                    + "({}); using {} instead, which passes ({} cases). Results are right; convolutions may be "
                    + "slower. `prune4j doctor` shows the details.", first.summary(), v.configuration(),
                    v.attempts().get(v.attempts().size() - 1).cases());
        } else if (v.how().startsWith("checked")) {
            LOG.info("engine self-check {}", first.summary());
        }
    }

    private static String forcedConfiguration() {
        String p = System.getProperty(CONFIG_PROPERTY);
        return p != null ? p : System.getenv("PRUNE4J_ENGINE_CONFIG");
    }

    /** What decides oneDNN's paths and the check's meaning: processor, versions, cap, threads, routing. */
    static String cacheKey() {
        String isaCap = String.valueOf(System.getenv(EngineConfiguration.ISA_VARIABLE));
        String threads = System.getProperty("ai.djl.pytorch.num_threads", "auto");
        return ProcessorInfo.sha256(String.join("|", ProcessorInfo.current().fingerprint(), Engine.getDjlVersion(),
                "engine " + Engines.startEngine().getVersion(), "check " + KnownAnswerCheck.VERSION,
                "isa cap " + isaCap, "threads " + threads, "routed " + Convolution.routeStridedPointwise()));
    }

    static Path cacheFile(String key) {
        return cacheDir().resolve("engine-check-" + key + ".json");
    }

    static Path cacheDir() {
        String dir = System.getProperty("prune4j.cacheDir", System.getenv("PRUNE4J_CACHE_DIR"));
        if (dir != null) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("prune4j");
    }

    private static Verdict readCache(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Verdict v = JSON.readValue(file.toFile(), Verdict.class);
            return v.withHow("cached").withCacheFile(file.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("engine self-check: ignoring unreadable cache file {} ({})", file, e.getMessage());
            return null;
        }
    }

    /** Written to a temporary file and moved into place: concurrent processes never read half a file. */
    private static void writeCache(Path file, Verdict v) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "engine-check", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), v);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("engine self-check: cannot cache the verdict in {} ({}); it will run again next time", file,
                    e.getMessage());
        }
    }

    /**
     * Which configuration the engine runs in and why.
     *
     * @param configurationName the configuration in use, or null when none passed
     * @param how "forced", "cached", "checked in child processes" or "checked in this process"
     * @param attempts the known-answer checks behind it, in the order they ran
     * @param processor the processor they ran on
     * @param checkedAt when they ran
     * @param cacheFile where the verdict is cached, or null
     */
    public record Verdict(String configurationName, String how, List<CheckAttempt> attempts,
            ProcessorInfo processor, String checkedAt, String cacheFile) {

        static Verdict forced(EngineConfiguration c) {
            return new Verdict(c.name(), "forced by " + CONFIG_PROPERTY, List.of(), ProcessorInfo.current(),
                    Instant.now().toString(), null);
        }

        public boolean usable() {
            return configurationName != null;
        }

        public EngineConfiguration configuration() {
            return usable() ? EngineConfiguration.parse(configurationName) : EngineConfiguration.DEFAULT;
        }

        /** The instruction set oneDNN reported in the passing check, or null. */
        public String oneDnnIsa() {
            return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).isa();
        }

        public List<String> attemptSummaries() {
            return attempts.stream().map(CheckAttempt::summary).toList();
        }

        /** One line for provenance: "default (passed the known-answer check)", "isa:SSE41 (default failed ...)". */
        public String provenance() {
            if (attempts.isEmpty()) {
                return configurationName + " (" + how + ", not checked)";
            }
            String evidence = String.join("; ", attemptSummaries());
            return configurationName + " (" + evidence + ")";
        }

        Verdict withCacheFile(String file) {
            return new Verdict(configurationName, how, attempts, processor, checkedAt, file);
        }

        Verdict withHow(String newHow) {
            return new Verdict(configurationName, newHow, attempts, processor, checkedAt, cacheFile);
        }
    }
}
