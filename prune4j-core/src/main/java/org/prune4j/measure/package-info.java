/** Measurements of models on the engine: inference latency (and comparisons of two models), training/inference throughput, memory over long runs. */
package org.prune4j.measure;
