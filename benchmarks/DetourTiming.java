// Times the strided 1x1 detour of engine/Convolution against the engine kernel alone (forward,
// channels-last, 2 threads), interleaved: java -cp "prune4j-cli/target/lib/*" benchmarks/DetourTiming.java
// (docs/BENCHMARKS.md, "Engine correctness across instruction sets").
import ai.djl.ndarray.*;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.*;
import ai.djl.nn.convolutional.Conv2d;
import org.prune4j.engine.*;
import java.util.*;

public class DetourTiming {
    public static void main(String[] a) {
        int[][] shapes = {{128, 16, 28, 32}, {128, 32, 14, 64}, {1, 16, 28, 32}, {1, 64, 56, 128}};
        try (NDManager m = Engines.get().newBaseManager()) {
            for (int[] s : shapes) {
                NDArray x = ChannelsLast.convertDetached(m.randomNormal(new Shape(s[0], s[1], s[2], s[2])));
                NDArray w = ChannelsLast.convertDetached(m.randomNormal(new Shape(s[3], s[1], 1, 1)));
                int reps = s[0] == 1 ? 200 : 20;
                List<Double> on = new ArrayList<>(), off = new ArrayList<>();
                for (int round = 0; round < 15; round++) {
                    for (int variant = 0; variant < 2; variant++) {
                        long t0 = System.nanoTime();
                        for (int r = 0; r < reps; r++) {
                            NDArray y;
                            if (variant == 0) {
                                try (NDArray sub = x.get(new NDIndex(":, :, ::2, ::2"))) {
                                    y = Conv2d.conv2d(sub, w, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                                }
                            } else {
                                y = Conv2d.conv2d(x, w, null, new Shape(2, 2), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
                            }
                            y.toFloatArray(); y.close();
                        }
                        double us = (System.nanoTime() - t0) / 1e3 / reps;
                        if (round >= 3) (variant == 0 ? on : off).add(us);
                    }
                }
                Collections.sort(on); Collections.sort(off);
                System.out.printf("%s: detour %.0f us, engine stride-2 kernel %.0f us, ratio %.2f%n", Arrays.toString(s), on.get(on.size()/2), off.get(off.size()/2), on.get(on.size()/2) / off.get(off.size()/2));
            }
        }
    }
}
