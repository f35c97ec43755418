package org.prune4j.sparsity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.prune4j.plugin.Plugins;

/**
 * The unstructured methods by name, as configs and the CLI give them: {@code random},
 * {@code global-magnitude}, {@code layer-magnitude}, {@code global-magnitude-grad},
 * {@code layer-magnitude-grad}, {@code global-magnitude-act}, {@code layer-magnitude-act},
 * {@code firing} (|w| × how often its input fires; the brain-inspired iterative pruning with
 * {@code schedule: iterative}), {@code snip}, {@code grasp}, {@code synflow}, N:M patterns by magnitude as {@code nm-2:4}, and
 * whatever {@link #register} or a {@link org.prune4j.plugin.Prune4jPlugin} adds. A method is a
 * per-weight criterion with an allocation ({@link KeepRule}).
 */
public final class UnstructuredMethods {

    private static final Pattern N_OF_M = Pattern.compile("nm-(\\d+):(\\d+)");
    private static final Map<String, UnstructuredMethod> METHODS = new LinkedHashMap<>();

    static {
        GlobalKeep global = new GlobalKeep();
        LayerwiseKeep layer = new LayerwiseKeep();
        add(new UnstructuredMethod("random", RandomCriterion::new, global, false));
        add(new UnstructuredMethod("global-magnitude", seed -> new MagnitudeCriterion(), global, false));
        add(new UnstructuredMethod("layer-magnitude", seed -> new MagnitudeCriterion(), layer, false));
        add(new UnstructuredMethod("global-magnitude-grad", seed -> new MagnitudeGradientCriterion(), global, false));
        add(new UnstructuredMethod("layer-magnitude-grad", seed -> new MagnitudeGradientCriterion(), layer, false));
        add(new UnstructuredMethod("global-magnitude-act",
                seed -> new MagnitudeActivationCriterion(MagnitudeActivationCriterion.Statistic.MEAN_ABS), global, false));
        add(new UnstructuredMethod("layer-magnitude-act",
                seed -> new MagnitudeActivationCriterion(MagnitudeActivationCriterion.Statistic.MEAN_ABS), layer, false));
        add(new UnstructuredMethod("firing",
                seed -> new MagnitudeActivationCriterion(MagnitudeActivationCriterion.Statistic.FIRING_RATE), global,
                false));
        add(new UnstructuredMethod("snip", seed -> new MagnitudeGradientCriterion(), global, true));
        add(new UnstructuredMethod("grasp", seed -> new GraspCriterion(), global, true));
        add(new UnstructuredMethod("synflow", seed -> new SynFlowCriterion(100), global, true));
    }

    private UnstructuredMethods() {}

    private static void add(UnstructuredMethod m) {
        METHODS.put(m.name(), m);
    }

    /**
     * Makes a method available by its name (lower case letters, digits and dashes) to the bench
     * and the pruner builder. A name that exists, or that looks like an N:M pattern, is refused.
     */
    public static void register(UnstructuredMethod method) {
        Plugins.load();
        synchronized (UnstructuredMethods.class) {
            String name = method.name();
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]*") || N_OF_M.matcher(name).matches()) {
                throw new IllegalArgumentException("a method name is lower case letters, digits and dashes (not nm-N:M), "
                        + "got '" + name + "'");
            }
            if (METHODS.containsKey(name)) {
                throw new IllegalArgumentException("an unstructured method named '" + name + "' exists already");
            }
            add(method);
        }
    }

    /** The fixed names plus the N:M form. */
    public static List<String> names() {
        Plugins.load();
        synchronized (UnstructuredMethods.class) {
            List<String> names = new java.util.ArrayList<>(METHODS.keySet());
            names.add("nm-N:M (e.g. nm-2:4)");
            return names;
        }
    }

    public static boolean exists(String name) {
        try {
            get(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static UnstructuredMethod get(String name) {
        Plugins.load();
        synchronized (UnstructuredMethods.class) {
            String key = name.toLowerCase(Locale.ROOT);
            UnstructuredMethod m = METHODS.get(key);
            if (m != null) {
                return m;
            }
            Matcher nm = N_OF_M.matcher(key);
            if (nm.matches()) {
                NofMKeep rule = new NofMKeep(Integer.parseInt(nm.group(1)), Integer.parseInt(nm.group(2)));
                return new UnstructuredMethod(key, seed -> new MagnitudeCriterion(), rule, false);
            }
            throw new IllegalArgumentException("unknown unstructured method '" + name + "'; known are " + names());
        }
    }
}
