package org.prune4j.pruning.allocation;

import org.prune4j.plugin.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The allocations by name, as configs and the CLI give them: {@code uniform}, {@code global},
 * {@code sensitivity}, {@code pa}, {@code fa}, {@code ma}, {@code gradient-redundancy}, and
 * whatever {@link #register} or a {@link org.prune4j.plugin.Prune4jPlugin} adds.
 */
public final class Allocations {

    private static final Map<String, Supplier<Allocation>> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(UniformAllocation.NAME, UniformAllocation::new);
        FACTORIES.put(GlobalAllocation.NAME, GlobalAllocation::new);
        FACTORIES.put(SensitivityAllocation.NAME, SensitivityAllocation::new);
        for (ComplexityAllocation.Mode mode : ComplexityAllocation.Mode.values()) {
            FACTORIES.put(new ComplexityAllocation(mode).name(), () -> new ComplexityAllocation(mode));
        }
        FACTORIES.put(GradientRedundancyAllocation.NAME, GradientRedundancyAllocation::new);
    }

    private Allocations() {}

    /** Makes an allocation available by {@code name} (lower case, letters, digits and dashes); a name that exists is refused. */
    public static void register(String name, Supplier<Allocation> factory) {
        Plugins.load();
        synchronized (Allocations.class) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("an allocation name is lower case letters, digits and dashes, got '"
                        + name + "'");
            }
            if (FACTORIES.containsKey(name)) {
                throw new IllegalArgumentException("an allocation named '" + name + "' exists already");
            }
            if (!name.equals(factory.get().name())) {
                throw new IllegalArgumentException("allocation registered as '" + name + "' calls itself '"
                        + factory.get().name() + "'; its name() must be the name it is registered under");
            }
            FACTORIES.put(name, factory);
        }
    }

    /** The registered names, built-in first. */
    public static List<String> names() {
        Plugins.load();
        synchronized (Allocations.class) {
            return new ArrayList<>(FACTORIES.keySet());
        }
    }

    /** The allocation named {@code name}; unknown names fail listing the known ones. */
    public static Allocation create(String name) {
        Plugins.load();
        synchronized (Allocations.class) {
            Supplier<Allocation> f = FACTORIES.get(name.trim().toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new IllegalArgumentException("unknown allocation '" + name + "'; known are " + FACTORIES.keySet());
            }
            return f.get();
        }
    }
}
