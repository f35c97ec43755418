/**
 * Dynamic pruning: channels chosen per input at inference ({@link org.prune4j.gating.ChannelGating}),
 * with the MACs each input really needs.
 */
package org.prune4j.gating;
