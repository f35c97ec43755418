package org.prune4j.criterion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.prune4j.dependency.Group;
import org.prune4j.model.Model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Gates that simulate removing channels of a group exactly, without touching the weights: ones
 * on every space of the group, zero where the removed channels live. Whatever reads a removed
 * channel then sees nothing of it, as after {@link org.prune4j.dependency.ChannelRemoval}.
 */
public final class RemovalGates {

    private RemovalGates() {}

    /** Gates (see {@link Model#forward(NDArray, boolean, Map)}) removing {@code channels} of {@code group}. */
    public static Map<String, NDArray> of(Model model, NDManager manager, Group group, int... channels) {
        Map<String, NDArray> gates = new HashMap<>();
        for (String space : group.spaces()) {
            if (space.equals(model.graph().inputName())) {
                throw new IllegalStateException("group " + group.root() + " includes the model's input, whose channels "
                        + "cannot be gated away");
            }
            float[] keep = new float[(int) model.graph().shapeOf(space).get(0)];
            Arrays.fill(keep, 1f);
            for (int k : channels) {
                group.indicesIn(space, k).forEach(i -> keep[i] = 0f);
            }
            gates.put(space, manager.create(keep, Calibration.gateShape(model, space, 1)).toType(model.dataType(), false));
        }
        return gates;
    }
}
