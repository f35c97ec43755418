/**
 * Importance criteria for structured pruning: each scores a {@link org.prune4j.dependency.Group},
 * one number per channel (higher = keep). Found by name in {@link org.prune4j.importance.Importances}.
 */
package org.prune4j.importance;
