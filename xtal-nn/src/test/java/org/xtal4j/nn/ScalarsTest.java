package org.xtal4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scalars made by {@link Scalars} survive a garbage collection between forward and backward. */
public class ScalarsTest {

    static double gradientAfterGc(boolean viaScalars) {
        Backend backend = Backend.get();
        try (NDManager m = backend.newManager()) {
            NDArray x = m.create(new double[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = backend.engine().newGradientCollector()) {
                NDArray y = viaScalars ? Scalars.mul(x, 3.0) : x.mul(3.0);
                churnDirectMemory();
                gc.backward(y.sum());
            }
            return x.getGradient().toDoubleArray()[0];
        }
    }

    /** Collects garbage and reuses small direct buffers, so that a freed scalar buffer gets overwritten. */
    public static void churnDirectMemory() {
        for (int r = 0; r < 5; r++) {
            System.gc();
            List<ByteBuffer> junk = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(8);
                b.putDouble(0, 0.0);
                junk.add(b);
            }
        }
    }

    @Test
    void scalarOperandsAreOwnedByLibtorch() {
        assertThat(gradientAfterGc(true)).isEqualTo(3.0);
        System.out.println("gradient of x.mul(3.0) after GC (DJL's own scalar): " + gradientAfterGc(false));
    }
}
