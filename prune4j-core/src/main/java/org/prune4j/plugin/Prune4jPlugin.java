package org.prune4j.plugin;

/**
 * A jar's contributions to prune4j: criteria, unstructured methods, ops. prune4j finds every
 * implementation on the class path through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/org.prune4j.plugin.Prune4jPlugin} file naming the class) the first
 * time a registry is asked for a name, and calls {@link #register()} once; the plugin registers
 * its parts through the registries' public {@code register} methods
 * ({@code ChannelCriteria.register}, {@code UnstructuredMethods.register}, {@code OpRegistry.register}).
 * Code that owns its own start-up can call those methods directly instead.
 */
public interface Prune4jPlugin {

    void register();
}
