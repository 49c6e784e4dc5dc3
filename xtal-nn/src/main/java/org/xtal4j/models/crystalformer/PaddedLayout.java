package org.xtal4j.models.crystalformer;

/**
 * How the atoms of a batch (compact order: crystal after crystal, N rows) sit in the dense (B, n) layout the
 * fused attention uses, n being the largest crystal. Batches grouped by atom count pad little.
 */
final class PaddedLayout {

    private final int crystals;
    private final int maxAtoms;
    private final int[] sizes;
    private final int[] atomOffsets;
    private final int[] crystalOfAtom;

    PaddedLayout(int[] sizes) {
        this.sizes = sizes.clone();
        this.crystals = sizes.length;
        int max = 0;
        int total = 0;
        atomOffsets = new int[sizes.length];
        for (int c = 0; c < sizes.length; c++) {
            atomOffsets[c] = total;
            total += sizes[c];
            max = Math.max(max, sizes[c]);
        }
        maxAtoms = max;
        crystalOfAtom = new int[total];
        for (int c = 0; c < sizes.length; c++) {
            java.util.Arrays.fill(crystalOfAtom, atomOffsets[c], atomOffsets[c] + sizes[c], c);
        }
    }

    int crystals() {
        return crystals;
    }

    int maxAtoms() {
        return maxAtoms;
    }

    int atomCount() {
        return crystalOfAtom.length;
    }

    int[] sizes() {
        return sizes.clone();
    }

    int[] atomOffsets() {
        return atomOffsets;
    }

    int[] crystalOfAtom() {
        return crystalOfAtom;
    }

    /** For each padded slot (B·n), its compact atom row, or N (a zero row appended) for padding. */
    long[] gatherToPadded() {
        long[] idx = new long[crystals * maxAtoms];
        for (int c = 0; c < crystals; c++) {
            for (int i = 0; i < maxAtoms; i++) {
                idx[c * maxAtoms + i] = i < sizes[c] ? atomOffsets[c] + i : atomCount();
            }
        }
        return idx;
    }

    /** For each compact atom, its padded slot. */
    long[] gatherToCompact() {
        long[] idx = new long[atomCount()];
        for (int c = 0; c < crystals; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                idx[atomOffsets[c] + i] = (long) c * maxAtoms + i;
            }
        }
        return idx;
    }

    /** For each padded pair slot (B·n·n), its compact edge row (crystal-major, query-major), or E for padding. */
    long[] pairsToPadded() {
        long edges = 0;
        for (int s : sizes) {
            edges += (long) s * s;
        }
        long[] idx = new long[crystals * maxAtoms * maxAtoms];
        long off = 0;
        for (int c = 0; c < crystals; c++) {
            int n = sizes[c];
            for (int i = 0; i < maxAtoms; i++) {
                for (int j = 0; j < maxAtoms; j++) {
                    idx[(c * maxAtoms + i) * maxAtoms + j] = i < n && j < n ? off + (long) i * n + j : edges;
                }
            }
            off += (long) n * n;
        }
        return idx;
    }
}
