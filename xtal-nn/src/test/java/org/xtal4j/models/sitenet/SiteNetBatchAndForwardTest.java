package org.xtal4j.models.sitenet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xtal4j.nn.Backend;
import org.xtal4j.structure.Structure;

/** Batch index rules and forward-pass properties on small hand-made crystals (no fixtures). */
class SiteNetBatchAndForwardTest {

    static SiteNetFeatures caesiumChloride() {
        Structure s = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(4.12), new String[] {"Cs", "Cl"},
                new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}});
        return SiteNetFeatures.of(SiteNetSupercell.of(s, 4)); // n = 2, k = 2, N = 4
    }

    static SiteNetFeatures polonium() {
        Structure s = SiteNetSupercellTest.of(SiteNetSupercellTest.cubic(3.35), new String[] {"Po"}, new double[][] {{0, 0, 0}});
        return SiteNetFeatures.of(SiteNetSupercell.of(s, 8)); // n = 1, k = 8, N = 8
    }

    @Test
    void parameterCountIsThePapersModel() {
        // README of the fixtures: 63 tensors, 304,085 values
        assertThat(SiteNetParameters.shapes()).hasSize(63);
        assertThat(SiteNetParameters.count()).isEqualTo(304_085);
    }

    @Test
    void batchIndexTensorsFollowTheCollateRules() {
        SiteNetFeatures a = caesiumChloride();
        SiteNetFeatures b = polonium();
        assertThat(a.size()).isEqualTo(4);
        assertThat(a.imageCount()).isEqualTo(2);
        SiteNetBatch batch = SiteNetBatch.of(List.of(a, b));
        assertThat(batch.rows()).isEqualTo(3);
        assertThat(batch.width()).isEqualTo(8);
        assertThat(batch.csr()).containsExactly(0, 2, 3);
        assertThat(batch.coo().toLongArray()).containsExactly(0, 0, 1);
        // CsCl rows 0, 1: columns 0-1 are images of P1 site 0, 2-3 of site 1, 4-7 padding (index wraps mod n)
        assertThat(batch.attentionJ().toLongArray()).containsExactly(
                0, 0, 1, 1, 0, 0, 1, 1,
                0, 0, 1, 1, 0, 0, 1, 1,
                2, 2, 2, 2, 2, 2, 2, 2);
        assertThat(batch.attentionI().toLongArray()).containsExactly(
                0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2);
        byte[] mask = new byte[24];
        batch.attentionMask().data().get(mask);
        assertThat(mask).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        double[] inter = batch.interaction().toDoubleArray();
        for (int j = 4; j < 8; j++) {
            assertThat(inter[j * 2]).isZero();
            assertThat(inter[(8 + j) * 2 + 1]).isZero();
        }
        assertThat(inter[(2 * 8 + 5) * 2]).isEqualTo(b.distance(0, 5));
    }

    @Test
    void mishIsTheClosedForm() {
        try (NDManager m = Backend.get().newManager()) {
            double[] x = {-1000, -40, -0.8828061054132269, 0, 0.5, 2.5, 30, 1000};
            double[] got = SiteNetForward.mish(m.create(x)).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                double sp = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));
                assertThat(got[i]).as("x=" + x[i]).isCloseTo(x[i] * Math.tanh(sp), within(1e-15 * Math.max(1, Math.abs(x[i]))));
            }
            assertThat(got[2]).isCloseTo(-0.29393958, within(1e-8));
        }
    }

    @Test
    void predictionsDoNotDependOnBatchCompanionsOrPadding() {
        try (NDManager m = Backend.get().newManager()) {
            m.getEngine().setRandomSeed(7);
            Map<String, NDArray> p = new HashMap<>();
            for (Map.Entry<String, long[]> e : SiteNetParameters.shapes().entrySet()) {
                p.put(e.getKey(), m.randomNormal(0, 0.1f, new Shape(e.getValue()), DataType.FLOAT32)
                        .toType(DataType.FLOAT64, false));
            }
            double[] alone = predict(m, p, List.of(caesiumChloride()));
            double[] pair = predict(m, p, List.of(polonium(), caesiumChloride()));
            double[] swapped = predict(m, p, List.of(caesiumChloride(), polonium()));
            assertThat(pair[1]).isCloseTo(alone[0], within(1e-12));
            assertThat(swapped[0]).isCloseTo(alone[0], within(1e-12));
            assertThat(swapped[1]).isCloseTo(pair[0], within(1e-12));
            assertThat(alone[0]).isNotEqualTo(pair[0]);
        }
    }

    private static double[] predict(NDManager m, Map<String, NDArray> p, List<SiteNetFeatures> crystals) {
        SiteNetBatch b = SiteNetBatch.of(crystals);
        Map<String, NDArray> out = SiteNetForward.forward(p, b.atomicId().toNDArray(m), b.magpie().toNDArray(m),
                b.oxidationState().toNDArray(m), b.interaction().toNDArray(m), b.attentionI().toNDArray(m),
                b.attentionJ().toNDArray(m), b.attentionMask().toNDArray(m), b.coo().toNDArray(m), b.crystals(), 0);
        return out.get("out.prediction_raw").toDoubleArray();
    }
}
