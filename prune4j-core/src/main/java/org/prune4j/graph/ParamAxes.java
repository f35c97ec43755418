package org.prune4j.graph;

/**
 * Which channel space indexes one axis of a parameter: the node's output ({@code OUTPUT}) or its
 * first input ({@code INPUT}). Slicing a parameter keeps the surviving indices along that axis.
 * With {@code block > 1}, index i of the axis stands for channels {@code i·block .. (i+1)·block - 1}
 * (an attention head's bias), which the channel rule removes only together.
 */
public record ParamAxes(String parameter, int axis, Side side, int block) {

    /** Which space an axis follows. */
    public enum Side { OUTPUT, INPUT }

    public ParamAxes {
        if (block < 1) {
            throw new IllegalArgumentException("a parameter axis block must be at least 1 channel, got " + block);
        }
    }

    public ParamAxes(String parameter, int axis, Side side) {
        this(parameter, axis, side, 1);
    }

    /** An output axis whose index i covers output channels i·block .. (i+1)·block - 1. */
    public static ParamAxes outputBlocks(String parameter, int axis, int block) {
        return new ParamAxes(parameter, axis, Side.OUTPUT, block);
    }

    public static ParamAxes output(String parameter, int axis) {
        return new ParamAxes(parameter, axis, Side.OUTPUT);
    }

    public static ParamAxes input(String parameter, int axis) {
        return new ParamAxes(parameter, axis, Side.INPUT);
    }
}
