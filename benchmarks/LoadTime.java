import java.nio.file.Path;
import org.prune4j.model.Model;
import org.prune4j.onnx.OnnxImporter;
import org.prune4j.onnx.OnnxRuntimeRunner;

/**
 * Import time of prune4j against ONNX Runtime's session creation on the same file, alternating, 3 rounds
 * each (docs/BENCHMARKS.md, issue 14). Run as a single-file program with the CLI's class path.
 */
public class LoadTime {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            try (Model m = OnnxImporter.load(file)) {
                long t1 = System.nanoTime();
                System.out.printf("round %d prune4j import %.2f s%n", round, (t1 - t0) / 1e9);
            }
            long t2 = System.nanoTime();
            try (OnnxRuntimeRunner ort = OnnxRuntimeRunner.open(file, 2)) {
                long t3 = System.nanoTime();
                System.out.printf("round %d ORT session %.2f s%n", round, (t3 - t2) / 1e9);
            }
        }
    }
}
