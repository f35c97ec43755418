/** Access to the DJL PyTorch engine: offline start-up, seeding, autograd helpers, versions. */
package org.prune4j.engine;
