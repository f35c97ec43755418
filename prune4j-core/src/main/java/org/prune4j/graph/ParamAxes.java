package org.prune4j.graph;

/**
 * Which channel space indexes one axis of a parameter: the node's output ({@code OUTPUT}) or its
 * first input ({@code INPUT}). Slicing a parameter keeps the surviving indices along that axis.
 */
public record ParamAxes(String parameter, int axis, Side side) {

    /** Which space an axis follows. */
    public enum Side { OUTPUT, INPUT }

    public static ParamAxes output(String parameter, int axis) {
        return new ParamAxes(parameter, axis, Side.OUTPUT);
    }

    public static ParamAxes input(String parameter, int axis) {
        return new ParamAxes(parameter, axis, Side.INPUT);
    }
}
