package org.prune4j.dependency;

import org.prune4j.graph.Graph;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;

import java.util.List;
import java.util.Map;

/**
 * Channels that can only be removed together with their counterparts in other layers: its
 * members are the spaces (node outputs) it touches, and channel k of the group is a set of
 * indices in each member (one index, or a block of features after a flatten, or an offset
 * after a concat). Removing channel k removes all of them.
 */
public final class Group {

    private final Graph graph;
    private final String root;
    private final List<String> spaces;
    private final List<Map<String, List<Integer>>> channels;

    Group(Graph graph, String root, List<String> spaces, List<Map<String, List<Integer>>> channels) {
        this.graph = graph;
        this.root = root;
        this.spaces = List.copyOf(spaces);
        this.channels = List.copyOf(channels);
    }

    /** The first node that creates these channels (a conv or linear layer). */
    public String root() {
        return root;
    }

    /** The node outputs (or input) whose channels this group couples, in graph order. */
    public List<String> spaces() {
        return spaces;
    }

    /** How many channels the group has. */
    public int size() {
        return channels.size();
    }

    /** The indices channel {@code k} of the group occupies in {@code space} (empty if none). */
    public List<Integer> indicesIn(String space, int k) {
        return channels.get(k).getOrDefault(space, List.of());
    }

    /** Removes channels {@code ks} of this group from the model (and per-parameter state such as an optimizer's, if given). */
    public void prune(Model model, int[] ks, ParameterState state) {
        ChannelRemoval.remove(model, Map.of(this, ks), state);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Group(" + root + ", " + size() + " channels):");
        for (String s : spaces) {
            List<Integer> first = indicesIn(s, 0);
            sb.append("\n  ").append(s).append(" [")
                    .append(s.equals(graph.inputName()) ? "input" : graph.node(s).op().type()).append("] ")
                    .append("channel 0 -> ").append(first.size() == 1 ? first.get(0) : first.get(0) + ".." + first.get(first.size() - 1));
        }
        return sb.toString();
    }
}
