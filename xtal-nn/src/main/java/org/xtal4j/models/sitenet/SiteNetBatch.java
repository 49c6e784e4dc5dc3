package org.xtal4j.models.sitenet;

import java.util.List;
import org.xtal4j.nn.io.DType;
import org.xtal4j.nn.io.HostTensor;

/**
 * Crystals collated as the reference's {@code collate_fn} does (spec {@code sitenet.md} §3): P1 rows of
 * all crystals concatenated (Σn), supercell columns zero-padded to W = max N, and index tensors
 * {@code attention_i[r, j] = r}, {@code attention_j[r, j] = offset_c + (⌊j/k_c⌋ mod n_c)},
 * {@code attention_mask[r, j] = j ≥ N_c}. Host-side (float64) tensors; convert with
 * {@link HostTensor#toNDArray}.
 */
public final class SiteNetBatch {

    private final int crystals;
    private final int rows;
    private final int width;
    private final long[] atomicId;
    private final double[] magpie;
    private final double[] oxidation;
    private final double[] interaction;
    private final long[] attentionI;
    private final long[] attentionJ;
    private final byte[] mask;
    private final long[] coo;
    private final long[] csr;

    private SiteNetBatch(List<SiteNetFeatures> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one crystal");
        }
        crystals = items.size();
        int r = 0;
        int w = 0;
        for (SiteNetFeatures f : items) {
            r += f.primitiveSize();
            w = Math.max(w, f.size());
        }
        rows = r;
        width = w;
        atomicId = new long[rows];
        magpie = new double[rows * 8];
        oxidation = new double[rows];
        interaction = new double[rows * width * 2];
        attentionI = new long[rows * width];
        attentionJ = new long[rows * width];
        mask = new byte[rows * width];
        coo = new long[rows];
        csr = new long[crystals + 1];
        int offset = 0;
        for (int c = 0; c < crystals; c++) {
            SiteNetFeatures f = items.get(c);
            int n = f.primitiveSize();
            int size = f.size();
            int k = f.imageCount();
            int[] z = f.atomicNumbers();
            double[] mag = f.magpie();
            double[] ox = f.oxidationStates();
            double[] inter = f.interaction();
            for (int p = 0; p < n; p++) {
                int row = offset + p;
                atomicId[row] = z[p];
                System.arraycopy(mag, p * 8, magpie, row * 8, 8);
                oxidation[row] = ox[p];
                coo[row] = c;
                System.arraycopy(inter, p * size * 2, interaction, row * width * 2, size * 2);
                for (int j = 0; j < width; j++) {
                    attentionI[row * width + j] = row;
                    attentionJ[row * width + j] = offset + (j / k) % n;
                    mask[row * width + j] = (byte) (j >= size ? 1 : 0);
                }
            }
            offset += n;
            csr[c + 1] = offset;
        }
    }

    public static SiteNetBatch of(List<SiteNetFeatures> crystals) {
        return new SiteNetBatch(crystals);
    }

    /** B. */
    public int crystals() {
        return crystals;
    }

    /** Σn. */
    public int rows() {
        return rows;
    }

    /** W = max N. */
    public int width() {
        return width;
    }

    public HostTensor atomicId() {
        return HostTensor.ofLongs(atomicId, rows);
    }

    public HostTensor magpie() {
        return HostTensor.ofDoubles(magpie, rows, 8);
    }

    public HostTensor oxidationState() {
        return HostTensor.ofDoubles(oxidation, rows, 1);
    }

    public HostTensor interaction() {
        return HostTensor.ofDoubles(interaction, rows, width, 2);
    }

    public HostTensor attentionI() {
        return HostTensor.ofLongs(attentionI, rows, width);
    }

    public HostTensor attentionJ() {
        return HostTensor.ofLongs(attentionJ, rows, width);
    }

    /** BOOL, 1 = padding. */
    public HostTensor attentionMask() {
        return HostTensor.ofBytes(DType.BOOL, mask, rows, width);
    }

    public HostTensor coo() {
        return HostTensor.ofLongs(coo, rows);
    }

    /** Row offsets [B + 1]. */
    public long[] csr() {
        return csr.clone();
    }
}
