// Maps which 1x1 stride-2 convolutions the engine's own kernel gets wrong: weight gradients of
// the plain engine call (no prune4j detour) against float64, one line per case as it finishes.
// Run by benchmarks/strided_pointwise_probe.sh, which restarts after a case that crashes or hangs.
//   java -cp "prune4j-cli/target/lib/*" benchmarks/StridedPointwiseProbe.java FIRST_CASE
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

import org.prune4j.engine.ChannelsLast;
import org.prune4j.engine.Engines;

import java.util.ArrayList;
import java.util.List;

public class StridedPointwiseProbe {

    record Case(int batch, int size, int in, int out, boolean channelsLast) {
        @Override
        public String toString() {
            return String.format("%dx%dx%dx%d -> %d %s", batch, in, size, size, out,
                    channelsLast ? "channels-last" : "contiguous");
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (boolean cl : new boolean[] {true, false})
            for (int batch : new int[] {1, 16})
                for (int size : new int[] {14, 28})
                    for (int in : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 17, 22})
                        for (int out : new int[] {8, 32})
                            cases.add(new Case(batch, size, in, out, cl));
        return cases;
    }

    public static void main(String[] args) {
        List<Case> cases = cases();
        int first = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Shape two = new Shape(2, 2);
        Shape zero = new Shape(0, 0);
        Shape one = new Shape(1, 1);
        for (int i = first; i < cases.size(); i++) {
            Case c = cases.get(i);
            System.out.println("start " + i);
            System.out.flush();
            try (NDManager m = Engines.get().newBaseManager()) {
                NDArray x64 = m.randomNormal(new Shape(c.batch, c.in, c.size, c.size), DataType.FLOAT64);
                NDArray w64 = m.randomNormal(new Shape(c.out, c.in, 1, 1), DataType.FLOAT64);
                NDArray dy64 = m.randomNormal(new Shape(c.batch, c.out, c.size / 2, c.size / 2), DataType.FLOAT64);
                w64.setRequiresGradient(true);
                NDArray expected;
                try (GradientCollector gc = Engines.get().newGradientCollector()) {   // float64: not oneDNN
                    gc.backward(Conv2d.conv2d(x64, w64, null, two, zero, one, 1).singletonOrThrow().mul(dy64).sum());
                    expected = w64.getGradient().duplicate();
                }
                NDArray x = x64.toType(DataType.FLOAT32, true);
                NDArray w = w64.toType(DataType.FLOAT32, true);
                if (c.channelsLast) {
                    x = ChannelsLast.convertDetached(x);
                    w = ChannelsLast.convertDetached(w);
                }
                w.setRequiresGradient(true);
                NDArray actual;
                try (GradientCollector gc = Engines.get().newGradientCollector()) {
                    NDArray y = Conv2d.conv2d(x, w, null, two, zero, one, 1).singletonOrThrow();
                    gc.backward(y.mul(dy64.toType(DataType.FLOAT32, true)).sum());
                    actual = w.getGradient().toType(DataType.FLOAT64, true);
                }
                double error = actual.sub(expected).abs().max().getDouble() / expected.abs().max().getDouble();
                System.out.printf("case %d %s: %s (dw relative error %.3g)%n", i, c,
                        error < 1e-3 ? "right" : "WRONG", error);
            }
        }
        System.out.println("done");
    }
}
