package org.prune4j.pruning.regime;

import org.prune4j.plugin.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The regimes that prune while training, by name: {@code slimming}, {@code increg}, {@code spp},
 * {@code smcp}, {@code ap}, {@code gibbs}, {@code unify}, {@code scl}, and whatever {@link #register} or a {@link org.prune4j.plugin.Prune4jPlugin} adds.
 */
public final class Regimes {

    /** Makes a regime from its options and the run's seed (for sampled masks). */
    @FunctionalInterface
    public interface Factory {
        Regime create(RegimeOptions options, long seed);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(SlimmingRegime.NAME, (o, seed) -> new SlimmingRegime(o));
        FACTORIES.put(IncRegRegime.NAME, (o, seed) -> new IncRegRegime(o));
        FACTORIES.put(SppRegime.NAME, SppRegime::new);
        FACTORIES.put(SmcpRegime.NAME, (o, seed) -> new SmcpRegime(o));
        FACTORIES.put(ActivatingRegime.NAME, (o, seed) -> new ActivatingRegime(o));
        FACTORIES.put(GibbsRegime.NAME, GibbsRegime::new);
        FACTORIES.put(UnifyRegime.NAME, (o, seed) -> new UnifyRegime(o));
        FACTORIES.put(SclRegime.NAME, (o, seed) -> new SclRegime(o));
    }

    private Regimes() {}

    /** Makes a regime available by {@code name} (lower case, letters, digits and dashes); a name that exists is refused. */
    public static void register(String name, Factory factory) {
        Plugins.load();
        synchronized (Regimes.class) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]*") || factory == null) {
                throw new IllegalArgumentException("a regime needs a name of lower case letters, digits and dashes and "
                        + "a factory, got '" + name + "'");
            }
            if (FACTORIES.containsKey(name)) {
                throw new IllegalArgumentException("a regime named '" + name + "' exists already");
            }
            FACTORIES.put(name, factory);
        }
    }

    public static List<String> names() {
        Plugins.load();
        synchronized (Regimes.class) {
            return new ArrayList<>(FACTORIES.keySet());
        }
    }

    public static Regime create(String name, RegimeOptions options, long seed) {
        Plugins.load();
        synchronized (Regimes.class) {
            Factory f = FACTORIES.get(name.trim().toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new IllegalArgumentException("unknown regime '" + name + "'; known are " + FACTORIES.keySet());
            }
            return f.create(options, seed);
        }
    }
}
