/** Measurements of the engine itself: training/inference throughput and memory over long runs. */
package org.prune4j.benchmark;
