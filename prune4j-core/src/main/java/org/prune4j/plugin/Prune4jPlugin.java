package org.prune4j.plugin;

/**
 * A jar's contributions to prune4j: criteria, allocations, unstructured methods, pruning schedules, ops and
 * their ONNX import and export. prune4j finds every implementation on the class path through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/org.prune4j.plugin.Prune4jPlugin}
 * file naming the class) the first time a registry is used, and calls {@link #register()} once;
 * the plugin registers its parts through the registries' public {@code register} methods
 * ({@code ChannelCriteria}, {@code Allocations}, {@code UnstructuredMethods}, {@code PruningSchedules},
 * {@code OpRegistry}, {@code OnnxImporter}, {@code OnnxExporter}). Code that owns its own
 * start-up can call those methods directly instead.
 */
public interface Prune4jPlugin {

    void register();
}
