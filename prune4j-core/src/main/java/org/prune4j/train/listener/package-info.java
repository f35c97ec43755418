/** Training listeners: progress bar, epoch log, metric file, checkpoints. */
package org.prune4j.train.listener;
