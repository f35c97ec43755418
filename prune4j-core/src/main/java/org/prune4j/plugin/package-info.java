/** How a jar adds criteria, unstructured methods and ops to prune4j: {@link org.prune4j.plugin.Prune4jPlugin}. */
package org.prune4j.plugin;
