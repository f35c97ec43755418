package org.prune4j.plugin;

import java.util.ServiceLoader;

/** Loads the {@link Prune4jPlugin}s on the class path, once; every registry calls {@link #load()} before a lookup. */
public final class Plugins {

    private static boolean loaded;

    private Plugins() {}

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        loaded = true; // before registering: a plugin's register() may call back into a registry
        for (Prune4jPlugin plugin : ServiceLoader.load(Prune4jPlugin.class)) {
            plugin.register();
        }
    }
}
