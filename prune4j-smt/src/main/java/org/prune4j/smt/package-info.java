/**
 * SMT verification with Z3: {@link org.prune4j.smt.Fairify}, individual fairness of small fully
 * connected networks, partition by partition.
 */
package org.prune4j.smt;
