package org.prune4j.data;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

/** A {@link Random} whose {@code nextInt(bound)} returns scripted values, to test exact shifts. */
final class ScriptedRandom extends Random {

    private static final long serialVersionUID = 1L;

    private final Deque<Integer> ints = new ArrayDeque<>();

    ScriptedRandom(int... values) {
        for (int v : values) {
            ints.add(v);
        }
    }

    @Override
    public int nextInt(int bound) {
        int v = ints.remove();
        if (v < 0 || v >= bound) {
            throw new IllegalStateException("scripted value " + v + " outside [0, " + bound + ")");
        }
        return v;
    }
}
