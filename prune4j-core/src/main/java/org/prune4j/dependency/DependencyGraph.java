package org.prune4j.dependency;

import org.prune4j.graph.ChannelCoupling;
import org.prune4j.graph.ChannelRules;
import org.prune4j.graph.Graph;
import org.prune4j.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The channels of a graph that must be removed together. Every channel of every space (a node's
 * output, or the input) is an element; the op rules couple elements; each connected set of
 * elements is one removable channel. Channels touching the same spaces form a {@link Group}
 * (e.g. a residual stage: the convs writing into it, their batch norms, the adds, and the
 * convs reading from it). Channels of the input, the output (the classes) or of a space an op
 * marked fixed are never removable.
 */
public final class DependencyGraph {

    private final Graph graph;
    private final List<Group> groups;

    private final List<String> untouched;

    private DependencyGraph(Graph graph, List<Group> groups, List<String> untouched) {
        this.graph = graph;
        this.groups = List.copyOf(groups);
        this.untouched = List.copyOf(untouched);
    }

    public static DependencyGraph of(Graph graph) {
        Elements e = new Elements(graph);
        Set<String> created = new TreeSet<>();
        Map<String, String> fixed = new HashMap<>();
        fixed.put(graph.inputName(), "the model's input");
        fixed.put(graph.outputName(), "the model's output");
        ChannelCoupling coupling = new ChannelCoupling() {
            @Override
            public void couple(String spaceA, int a, String spaceB, int b) {
                e.union(e.id(spaceA, a), e.id(spaceB, b));
            }

            @Override
            public void markCreated(String space) {
                created.add(space);
            }

            @Override
            public void markFixed(String space, String reason) {
                fixed.putIfAbsent(space, reason);
            }
        };
        for (Node n : graph.nodes()) {
            ChannelRules.of(n.op()).couple(n, graph, coupling);
        }
        // component root -> (space -> indices), spaces in graph order
        Map<Integer, Map<String, List<Integer>>> components = new LinkedHashMap<>();
        for (String space : e.spaces) {
            for (int i = 0; i < e.size(space); i++) {
                components.computeIfAbsent(e.find(e.id(space, i)), k -> new LinkedHashMap<>())
                        .computeIfAbsent(space, k -> new ArrayList<>()).add(i);
            }
        }
        Map<List<String>, List<Map<String, List<Integer>>>> bySignature = new LinkedHashMap<>();
        Set<String> untouched = new java.util.LinkedHashSet<>();
        for (Map<String, List<Integer>> component : components.values()) {
            List<String> spaces = List.copyOf(component.keySet());
            boolean prunable = spaces.stream().anyMatch(created::contains);
            List<String> blockers = spaces.stream().filter(fixed::containsKey).toList();
            if (prunable && blockers.isEmpty()) {
                bySignature.computeIfAbsent(spaces, k -> new ArrayList<>()).add(component);
            } else if (prunable && blockers.stream().anyMatch(b -> !b.equals(graph.inputName()) && !b.equals(graph.outputName()))) {
                StringBuilder why = new StringBuilder("channels of " + spaces + " left untouched:");
                blockers.forEach(b -> why.append(" '").append(b).append("' (").append(fixed.get(b)).append(')'));
                untouched.add(why.toString());
            }
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<List<String>, List<Map<String, List<Integer>>>> g : bySignature.entrySet()) {
            String root = g.getKey().stream().filter(created::contains).findFirst().orElseThrow();
            List<Map<String, List<Integer>>> channels = new ArrayList<>(g.getValue());
            channels.sort((x, y) -> Integer.compare(x.get(root).get(0), y.get(root).get(0)));
            groups.add(new Group(graph, root, g.getKey(), channels));
        }
        return new DependencyGraph(graph, groups, new ArrayList<>(untouched));
    }

    /**
     * Channels that could be pruned but are kept because an op they pass through cannot follow
     * (channel shuffles, softmax), each naming the nodes and the reason. The
     * model's own input and output are not listed: they are never pruned by design.
     */
    public List<String> untouched() {
        return untouched;
    }

    public Graph graph() {
        return graph;
    }

    /** The removable groups, in the order of their first node. */
    public List<Group> groups() {
        return groups;
    }

    /** The group whose channels are created by {@code node} (e.g. a conv). */
    public Group groupOf(String node) {
        for (Group g : groups) {
            if (g.spaces().contains(node)) {
                return g;
            }
        }
        throw new IllegalArgumentException("node '" + node + "' has no removable channels");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        groups.forEach(g -> sb.append(g).append('\n'));
        return sb.toString();
    }

    /** Union-find over (space, channel) pairs. */
    private static final class Elements {
        final List<String> spaces = new ArrayList<>();
        final Map<String, Integer> base = new HashMap<>();
        final Map<String, Integer> sizes = new HashMap<>();
        final int[] parent;

        Elements(Graph graph) {
            int total = 0;
            List<String> names = new ArrayList<>();
            names.add(graph.inputName());
            graph.nodes().forEach(n -> names.add(n.name()));
            for (String s : names) {
                int size = (int) graph.shapeOf(s).get(0);
                spaces.add(s);
                base.put(s, total);
                sizes.put(s, size);
                total += size;
            }
            parent = new int[total];
            for (int i = 0; i < total; i++) {
                parent[i] = i;
            }
        }

        int size(String space) {
            return sizes.get(space);
        }

        int id(String space, int index) {
            return base.get(space) + index;
        }

        int find(int x) {
            while (parent[x] != x) {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }

        void union(int a, int b) {
            int ra = find(a);
            int rb = find(b);
            if (ra != rb) {
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }
    }
}
