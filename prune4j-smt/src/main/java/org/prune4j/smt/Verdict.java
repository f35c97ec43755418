package org.prune4j.smt;

/** What the solver said about one input partition. */
public enum Verdict {
    /** No pair of inputs in the partition that differ only in the protected attribute gets different decisions. */
    VERIFIED,
    /** Such a pair exists; the solver gave one. */
    COUNTEREXAMPLE,
    /** The solver ran out of time. */
    UNKNOWN
}
