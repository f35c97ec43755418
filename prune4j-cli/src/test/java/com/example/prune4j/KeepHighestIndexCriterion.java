package com.example.prune4j;

import org.prune4j.criterion.ChannelCriteria;
import org.prune4j.criterion.ChannelCriterion;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.plugin.Prune4jPlugin;

/**
 * A criterion written outside the library: channel k of a group scores k, so pruning removes the
 * lowest indices first. The nested plugin registers it by name; the one-line file
 * META-INF/services/org.prune4j.plugin.Prune4jPlugin in the test resources names the plugin.
 */
public final class KeepHighestIndexCriterion implements ChannelCriterion {

    public static final String NAME = "keep-highest-index";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] score(Model model, Group group) {
        float[] s = new float[group.size()];
        for (int k = 0; k < s.length; k++) {
            s[k] = k + 1;
        }
        return s;
    }

    /** Found by {@link java.util.ServiceLoader} the first time prune4j looks up a name. */
    public static final class Plugin implements Prune4jPlugin {
        @Override
        public void register() {
            ChannelCriteria.register(NAME, seed -> new KeepHighestIndexCriterion());
        }
    }
}
