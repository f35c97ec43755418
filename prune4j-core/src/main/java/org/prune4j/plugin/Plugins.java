package org.prune4j.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Loads the {@link Prune4jPlugin}s on the class path, once. Every registry calls {@link #load()}
 * before a lookup and before it takes its own lock: a plugin registers into several registries,
 * so no thread may wait here while it holds one of theirs. Once loaded, {@code load()} takes no
 * lock at all.
 */
public final class Plugins {

    private static volatile boolean done;
    private static volatile IllegalStateException failure;
    private static Thread loader; // guarded by Plugins.class

    private Plugins() {}

    /**
     * Registers every plugin once; fails, now and at every later call, when one of them could not
     * be loaded or registered (naming each), since results without it would silently differ.
     */
    public static void load() {
        if (!done) {
            synchronized (Plugins.class) {
                if (done || loader == Thread.currentThread()) {
                    return; // loaded meanwhile, or a plugin's register() calling back into a registry
                }
                loader = Thread.currentThread();
                try {
                    failure = registerAll();
                } finally {
                    loader = null;
                    done = true;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IllegalStateException registerAll() {
        List<String> problems = new ArrayList<>();
        try {
            for (Prune4jPlugin plugin : ServiceLoader.load(Prune4jPlugin.class)) {
                try {
                    plugin.register();
                } catch (RuntimeException e) {
                    problems.add(plugin.getClass().getName() + ": " + e.getMessage());
                }
            }
        } catch (ServiceConfigurationError e) {
            problems.add(e.getMessage());
        }
        return problems.isEmpty() ? null
                : new IllegalStateException("prune4j plugins failed to register: " + String.join("; ", problems));
    }
}
