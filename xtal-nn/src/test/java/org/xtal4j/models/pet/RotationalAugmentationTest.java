package org.xtal4j.models.pet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.HostArrays;

/** The training augmentation draws O(3) matrices (half of them improper) and rotates each structure by its own. */
class RotationalAugmentationTest {

    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = Backend.get().newManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void drawsOrthogonalMatricesHalfOfThemImproper() {
        Backend.get().seed(7);
        double[][] r = RotationalAugmentation.random(manager, 2000);
        int improper = 0;
        for (double[] m : r) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double dot = m[3 * i] * m[3 * j] + m[3 * i + 1] * m[3 * j + 1] + m[3 * i + 2] * m[3 * j + 2];
                    assertThat(dot).isCloseTo(i == j ? 1 : 0, within(1e-12));
                }
            }
            double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
                    + m[2] * (m[3] * m[7] - m[4] * m[6]);
            assertThat(Math.abs(det)).isCloseTo(1, within(1e-12));
            improper += det < 0 ? 1 : 0;
        }
        assertThat(improper).isBetween(900, 1100);
        Backend.get().seed(7);
        assertThat(RotationalAugmentation.random(manager, 2000)).isDeepEqualTo(r);   // repeatable from the seed
    }

    @Test
    void rotatesEachStructuresEdgesByItsOwnMatrix() {
        double[][] cell = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        PetGraph a = PetGraph.fromEdges(new int[] {0, 1}, new double[][] {{0, 0, 0}, {1, 2, 3}}, cell,
                new int[] {0, 1}, new int[] {1, 0}, new int[6], new int[] {1, 0});
        PetGraph b = PetGraph.fromEdges(new int[] {0, 0}, new double[][] {{0, 0, 0}, {-0.5, 0.1, 0.7}}, cell,
                new int[] {0, 1}, new int[] {1, 0}, new int[6], new int[] {1, 0});
        PetGraph g = PetGraph.batch(List.of(a, b));
        double[] xs = {1, 2, 3, -1, -2, -3, -0.5, 0.1, 0.7, 0.5, -0.1, -0.7};
        NDArray x = HostArrays.of(manager, xs, DataType.FLOAT64, new Shape(4, 3));
        Backend.get().seed(11);
        double[][] r = RotationalAugmentation.random(manager, 2);
        double[] y = RotationalAugmentation.apply(g, x, r).toDoubleArray();
        for (int e = 0; e < 4; e++) {
            double[] m = r[e / 2];   // edges 0, 1 belong to the first structure, 2, 3 to the second
            for (int c = 0; c < 3; c++) {
                double s = xs[3 * e] * m[c] + xs[3 * e + 1] * m[3 + c] + xs[3 * e + 2] * m[6 + c];
                assertThat(y[3 * e + c]).isCloseTo(s, within(1e-14));
            }
        }
    }
}
