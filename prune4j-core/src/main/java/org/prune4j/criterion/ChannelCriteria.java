package org.prune4j.criterion;

import org.prune4j.plugin.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The channel criteria by name, as configs and the CLI give them: {@code random}, {@code l1},
 * {@code l2}, {@code bn-scale}, {@code taylor}, {@code taylor-activation}, {@code taylor-so},
 * {@code taylor-so-block}, {@code sosp-h}, {@code sosp-i}, {@code nisp}, {@code i-spasp},
 * {@code sipp}, {@code singe}, {@code oracle}, {@code m-information}, {@code o-information}, {@code mi-perturbation}, {@code stability}, and whatever {@link #register} or a
 * {@link org.prune4j.plugin.Prune4jPlugin} adds.
 */
public final class ChannelCriteria {

    private static final Map<String, ChannelCriterion.Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put("random", RandomChannelCriterion::new);
        FACTORIES.put("l1", seed -> new MagnitudeChannelCriterion(1));
        FACTORIES.put("l2", seed -> new MagnitudeChannelCriterion(2));
        FACTORIES.put(BatchNormScaleCriterion.NAME, seed -> new BatchNormScaleCriterion());
        FACTORIES.put("taylor", seed -> new TaylorWeightCriterion());
        FACTORIES.put("taylor-activation", seed -> new TaylorActivationCriterion());
        FACTORIES.put(TaylorSecondOrderCriterion.NAME,
                seed -> new TaylorSecondOrderCriterion(TaylorSecondOrderCriterion.Curvature.ROW));
        FACTORIES.put(TaylorSecondOrderCriterion.OWN_BLOCK_NAME,
                seed -> new TaylorSecondOrderCriterion(TaylorSecondOrderCriterion.Curvature.OWN_BLOCK));
        FACTORIES.put(SospCriterion.HESSIAN_NAME, seed -> new SospCriterion(SospCriterion.Variant.H));
        FACTORIES.put(SospCriterion.PAIRS_NAME, seed -> new SospCriterion(SospCriterion.Variant.I));
        FACTORIES.put(NispCriterion.NAME, seed -> new NispCriterion());
        FACTORIES.put(ISpaspCriterion.NAME, seed -> new ISpaspCriterion());
        FACTORIES.put(SippCriterion.NAME, SippCriterion::new);
        FACTORIES.put(SingeCriterion.NAME, seed -> new SingeCriterion());
        FACTORIES.put(OracleCriterion.NAME, seed -> new OracleCriterion());
        FACTORIES.put(MInformationCriterion.NAME, seed -> new MInformationCriterion());
        FACTORIES.put(OInformationCriterion.NAME, seed -> new OInformationCriterion());
        FACTORIES.put(MaxEntropyPerturbationCriterion.NAME, MaxEntropyPerturbationCriterion::new);
        FACTORIES.put(StabilityCriterion.NAME, seed -> new StabilityCriterion(StabilityCriterion.DEFAULT_EPSILON));
    }

    private ChannelCriteria() {}

    /**
     * Makes a criterion available by {@code name} (lower case, letters, digits and dashes) to
     * {@code prune}, bench specs and the pruner builder. A name that exists is refused.
     */
    public static void register(String name, ChannelCriterion.Factory factory) {
        Plugins.load();
        synchronized (ChannelCriteria.class) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("a criterion name is lower case letters, digits and dashes, got '"
                        + name + "'");
            }
            if (factory == null) {
                throw new IllegalArgumentException("criterion '" + name + "' needs a factory");
            }
            if (FACTORIES.containsKey(name)) {
                throw new IllegalArgumentException("a channel criterion named '" + name + "' exists already");
            }
            String ownName = factory.create(0).name();
            if (!name.equals(ownName)) { // results name the criterion by name(), run ids by the registered name
                throw new IllegalArgumentException("criterion registered as '" + name + "' calls itself '" + ownName
                        + "'; its name() must be the name it is registered under");
            }
            FACTORIES.put(name, factory);
        }
    }

    /** The registered names, built-in first. */
    public static List<String> names() {
        Plugins.load();
        synchronized (ChannelCriteria.class) {
            return new ArrayList<>(FACTORIES.keySet());
        }
    }

    public static boolean exists(String name) {
        return names().contains(name.toLowerCase(Locale.ROOT));
    }

    /** A fresh criterion (data-driven ones accumulate state, so the pruner makes one per step). */
    public static ChannelCriterion create(String name, long seed) {
        return factory(name).create(seed);
    }

    /** The factory registered under {@code name}. */
    public static ChannelCriterion.Factory factory(String name) {
        Plugins.load();
        synchronized (ChannelCriteria.class) {
            ChannelCriterion.Factory f = FACTORIES.get(name.toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new IllegalArgumentException("unknown criterion '" + name + "'; known are " + FACTORIES.keySet());
            }
            return f;
        }
    }
}
