package org.xtal4j.models.sitenet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.xtal4j.nn.model.ModelPlugin;

/**
 * Site-Net's attention-distance analysis (spec {@code sitenet.md} §5, the reference's
 * {@code predict_reproduce.py} and {@code plot_reproduce.py}), per structure: the attention weight
 * a_{ijh} of every block b and head h for P1 site i and supercell site j (padded columns of the batch are
 * left out) with the raw distance d_ij, and the long-range coefficients as coded:
 * {@code LR[b][h] = max over i, j of d_ij·a^(b)_ijh}; the paper's eqn (8) coefficient is
 * {@code Σ_h LR[1][h]} (second block, {@link #EQN8_BLOCK}; the last block for a one-block model).
 * Plots: {@link AttentionPlots}.
 */
public final class AttentionAnalysis {

    /** Block of the paper's eqn (8) (0-based: the second block). */
    public static final int EQN8_BLOCK = 1;

    /** CSV header of {@link #writeCsv}. */
    public static final String CSV_HEADER = "structure,block,head,i,j,distance,weight";

    private final String id;
    private final int n;
    private final int size;
    private final double p1Volume;
    private final double[] distance;    // [n, N]
    private final double[][][] weights; // [block][head][n·N]

    private AttentionAnalysis(String id, int n, int size, double p1Volume, double[] distance, double[][][] weights) {
        this.id = id;
        this.n = n;
        this.size = size;
        this.p1Volume = p1Volume;
        this.distance = distance;
        this.weights = weights;
    }

    /**
     * Splits the explain outputs of one batch ({@link SiteNetPlugin#forward} with explain) into one analysis
     * per structure.
     *
     * @param outputs the forward's outputs (attention.block&lt;b&gt;, attention.distance)
     * @param samples the batch's samples, in batch order
     * @param ids     one identifier per sample
     */
    public static List<AttentionAnalysis> of(NDList outputs, List<SiteNetSample> samples, List<String> ids) {
        if (ids.size() != samples.size()) {
            throw new IllegalArgumentException("one id per sample needed");
        }
        int blocks = 0;
        while (outputs.contains(SiteNetPlugin.attentionOutput(blocks))) {
            blocks++;
        }
        if (blocks == 0 || !outputs.contains(SiteNetPlugin.OUTPUT_DISTANCE)) {
            throw new IllegalArgumentException("the outputs hold no Site-Net attention (forward without explain?)");
        }
        long[] shape = outputs.get(SiteNetPlugin.attentionOutput(0)).getShape().getShape();
        int width = (int) shape[1];
        int heads = (int) shape[2];
        double[] d = outputs.get(SiteNetPlugin.OUTPUT_DISTANCE).toType(DataType.FLOAT64, false).toDoubleArray();
        double[][] att = new double[blocks][];
        for (int b = 0; b < blocks; b++) {
            att[b] = outputs.get(SiteNetPlugin.attentionOutput(b)).toType(DataType.FLOAT64, false).toDoubleArray();
        }
        List<AttentionAnalysis> out = new ArrayList<>();
        int row = 0;
        for (int c = 0; c < samples.size(); c++) {
            SiteNetFeatures f = samples.get(c).features();
            int nc = f.primitiveSize();
            int big = f.size();
            double[] dist = new double[nc * big];
            double[][][] w = new double[blocks][heads][nc * big];
            for (int i = 0; i < nc; i++) {
                for (int j = 0; j < big; j++) {
                    int r = (row + i) * width + j;
                    dist[i * big + j] = d[r];
                    for (int b = 0; b < blocks; b++) {
                        for (int h = 0; h < heads; h++) {
                            w[b][h][i * big + j] = att[b][r * heads + h];
                        }
                    }
                }
            }
            out.add(new AttentionAnalysis(ids.get(c), nc, big, samples.get(c).p1Volume(), dist, w));
            row += nc;
        }
        return out;
    }

    /** Whether the outputs carry what {@link #of} needs. */
    public static boolean canAnalyse(NDList outputs) {
        return outputs.contains(SiteNetPlugin.attentionOutput(0)) && outputs.contains(SiteNetPlugin.OUTPUT_DISTANCE)
                && outputs.contains(ModelPlugin.OUTPUT_PREDICTION);
    }

    public String id() {
        return id;
    }

    /** n, the P1 sites (rows i). */
    public int primitiveSize() {
        return n;
    }

    /** N, the supercell sites (columns j). */
    public int supercellSize() {
        return size;
    }

    public double p1Volume() {
        return p1Volume;
    }

    public int blocks() {
        return weights.length;
    }

    public int heads() {
        return weights[0].length;
    }

    /** d_ij (Å). */
    public double distance(int i, int j) {
        return distance[i * size + j];
    }

    /** a^(b)_ijh. */
    public double weight(int block, int head, int i, int j) {
        return weights[block][head][i * size + j];
    }

    /** All d_ij, row-major [n, N] (a copy). */
    public double[] distances() {
        return distance.clone();
    }

    /** All a^(b)_ijh of one block and head, row-major [n, N] (a copy). */
    public double[] weights(int block, int head) {
        return weights[block][head].clone();
    }

    /** LR[b][h] = max over i, j of d_ij·a^(b)_ijh. */
    public double longRange(int block, int head) {
        double max = Double.NEGATIVE_INFINITY;
        double[] w = weights[block][head];
        for (int k = 0; k < w.length; k++) {
            max = Math.max(max, distance[k] * w[k]);
        }
        return max;
    }

    /** Σ_h LR[b][h]. */
    public double longRangeSum(int block) {
        double s = 0;
        for (int h = 0; h < heads(); h++) {
            s += longRange(block, h);
        }
        return s;
    }

    /** The paper's eqn (8) as coded: Σ_h LR[{@link #EQN8_BLOCK}][h] (the last block if there are fewer). */
    public double longRangeCoefficient() {
        return longRangeSum(Math.min(EQN8_BLOCK, blocks() - 1));
    }

    /** (P1 volume)^(1/3) in Å, the x axis of the paper's Fig. 7. */
    public double p1Length() {
        return Math.cbrt(p1Volume);
    }

    /** Rows {@link #CSV_HEADER}: every block, head and pair (i, j) of this structure. */
    public void writeCsv(BufferedWriter w, boolean header) throws IOException {
        if (header) {
            w.write(CSV_HEADER);
            w.newLine();
        }
        String name = csvField(id);
        StringBuilder sb = new StringBuilder(64);
        for (int b = 0; b < blocks(); b++) {
            for (int h = 0; h < heads(); h++) {
                double[] a = weights[b][h];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < size; j++) {
                        sb.setLength(0);
                        sb.append(name).append(',').append(b).append(',').append(h).append(',').append(i).append(',')
                                .append(j).append(',').append(distance[i * size + j]).append(',')
                                .append(a[i * size + j]);
                        w.write(sb.toString());
                        w.newLine();
                    }
                }
            }
        }
    }

    /** Writes {@link #writeCsv} to a file. */
    public void writeCsv(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            writeCsv(w, true);
        }
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AttentionAnalysis[%s, n=%d, N=%d, LR=%.4g, LR per block %s]", id, n, size,
                longRangeCoefficient(), Arrays.toString(java.util.stream.IntStream.range(0, blocks())
                        .mapToDouble(this::longRangeSum).toArray()));
    }
}
