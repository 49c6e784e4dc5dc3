package org.xtal4j.nn.perf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.xtal4j.nn.Backend;

/**
 * The machine's achievable dense matmul rate through libtorch, measured in the calling process on the
 * engine's current intra-op thread count: repeated n×n · n×n products (2n³ FLOPs each) for at least a
 * given time after one warm-up product. It is the yardstick a model's FLOP rate is compared with.
 */
public final class MatmulProbe {

    /** One measurement: size, type, products run, their FLOP rate. */
    public record Result(int size, DataType type, int products, double seconds, double gflops) {
    }

    private MatmulProbe() {
    }

    /** Runs n×n matmuls of {@code type} (FLOAT32 or FLOAT64) for at least {@code minSeconds}. */
    public static Result measure(int n, DataType type, double minSeconds) {
        if (n <= 0 || minSeconds < 0) {
            throw new IllegalArgumentException("size must be > 0 and the time >= 0");
        }
        Backend backend = Backend.get();
        try (NDManager m = backend.newManager()) {
            NDArray a = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            NDArray b = m.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            a.matMul(b).close();                                   // warm-up: thread pool, caches
            int reps = 0;
            long start = System.nanoTime();
            long limit = (long) (minSeconds * 1e9);
            long elapsed;
            do {
                try (NDArray c = a.matMul(b)) {
                    c.getShape();                                   // keeps the product alive until here
                }
                reps++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < limit || reps < 2);
            double secs = elapsed / 1e9;
            return new Result(n, type, reps, secs, 2.0 * n * n * (double) n * reps / secs / 1e9);
        }
    }
}
