package org.xtal4j.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/**
 * The DJL trap behind {@link HostArrays}: {@code toType(sameType, true)} returns an alias of a
 * {@code create}d array (whose Java buffer the GC frees once that array is closed), {@code duplicate()} a copy.
 */
class HostArraysTest {

    @Test
    void toTypeWithCopyAliasesWhenTheTypeIsUnchangedButDuplicateCopies() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray a = m.create(new double[] {1, 2, 3});
            NDArray alias = a.toType(DataType.FLOAT64, true);
            NDArray copy = a.duplicate();
            a.muli(2);
            assertThat(alias.toDoubleArray()).containsExactly(2, 4, 6); // shares a's (Java) storage
            assertThat(copy.toDoubleArray()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void constantsAreIndependentCopiesInTheRequestedType() {
        try (NDManager m = Backend.get().newManager()) {
            NDArray like64 = m.zeros(new ai.djl.ndarray.types.Shape(1), DataType.FLOAT64);
            NDArray like32 = m.zeros(new ai.djl.ndarray.types.Shape(1), DataType.FLOAT32);
            NDArray c64 = HostArrays.of(m, new double[] {0.1, 0.2}, like64.getDataType(), 2);
            NDArray c32 = HostArrays.of(m, new double[] {0.1, 0.2}, like32.getDataType(), 2);
            for (int k = 0; k < 5; k++) {
                System.gc(); // a freed alias would show as changed values
                m.randomNormal(new ai.djl.ndarray.types.Shape(1 << 16)).close();
            }
            assertThat(c64.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(c64.toDoubleArray()).containsExactly(0.1, 0.2);
            assertThat(c32.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(c32.toFloatArray()).containsExactly(0.1f, 0.2f);
        }
    }
}
