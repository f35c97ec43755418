package org.prune4j.model;

import ai.djl.ndarray.types.Shape;

import org.prune4j.graph.ParamSpec;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills new parameters on the Java side from a seed and the parameter's full name, so a model's
 * initial weights do not depend on the order in which layers are built or on engine state.
 */
final class Initializer {

    private final long seed;

    Initializer(long seed) {
        this.seed = seed;
    }

    /** Values for {@code spec}; {@code siblings} are the node's specs (a bias takes the weight's fan-in). */
    double[] values(String node, ParamSpec spec, List<ParamSpec> siblings) {
        int n = Math.toIntExact(spec.shape().size());
        double[] v = new double[n];
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (node + "." + spec.name()).hashCode());
        switch (spec.init()) {
            case ZEROS:
                break;
            case ONES:
                java.util.Arrays.fill(v, 1.0);
                break;
            case KAIMING_NORMAL_FAN_OUT: {
                double std = Math.sqrt(2.0 / fanOut(spec.shape()));
                for (int i = 0; i < n; i++) {
                    v[i] = gaussian(rng) * std;
                }
                break;
            }
            case UNIFORM_FAN_IN: {
                Shape weightShape = spec.shape().dimension() >= 2 ? spec.shape() : weightOf(siblings);
                double bound = 1.0 / Math.sqrt(fanIn(weightShape));
                for (int i = 0; i < n; i++) {
                    v[i] = (rng.nextDouble() * 2 - 1) * bound;
                }
                break;
            }
            case EMBEDDING_NORMAL:
                for (int i = 0; i < n; i++) {
                    v[i] = gaussian(rng) * 0.02;
                }
                break;
            default:
                throw new IllegalStateException("unhandled initializer " + spec.init());
        }
        return v;
    }

    private static Shape weightOf(List<ParamSpec> siblings) {
        for (ParamSpec s : siblings) {
            if (s.name().equals("weight")) {
                return s.shape();
            }
        }
        throw new IllegalStateException("a fan-in initialized vector needs a 'weight' beside it");
    }

    private static long receptiveField(Shape w) {
        long r = 1;
        for (int i = 2; i < w.dimension(); i++) {
            r *= w.get(i);
        }
        return r;
    }

    private static long fanIn(Shape w) {
        return w.get(1) * receptiveField(w);
    }

    private static long fanOut(Shape w) {
        return w.get(0) * receptiveField(w);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
