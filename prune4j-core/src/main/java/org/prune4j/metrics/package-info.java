/** Size and cost metrics of models: parameters, MACs, memory, per layer and in total. */
package org.prune4j.metrics;
