/** The {@code prune4j} command line (picocli): train, eval, summary, zoo. */
package org.prune4j.cli;
