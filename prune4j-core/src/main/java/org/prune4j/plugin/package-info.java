/**
 * How a jar adds criteria, unstructured methods, pruning schedules and ops (with their ONNX
 * import and export) to prune4j: {@link org.prune4j.plugin.Prune4jPlugin}.
 */
package org.prune4j.plugin;
