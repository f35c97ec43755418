/** Optimizers (SGD with momentum/Nesterov, Adam, AdamW) written as in-place updates. */
package org.prune4j.train.optim;
