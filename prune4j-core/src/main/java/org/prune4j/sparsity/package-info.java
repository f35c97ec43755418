/**
 * Unstructured and N:M (semi-structured) sparsity: weight masks that hold through training,
 * per-weight criteria (magnitude, magnitude × gradient, activation-weighted magnitude, SNIP,
 * GraSP, SynFlow, random), global or layerwise allocation, N:M patterns, and the gradual (AGP)
 * schedule. The weights keep their shapes; what shrinks is the number of non-zeros.
 */
package org.prune4j.sparsity;
