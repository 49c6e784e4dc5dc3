package org.xtal4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** Small P1 CIFs (perturbed CsCl- and rock-salt-like two-atom cells) with a synthetic target, for CLI tests. */
final class TinyCrystals {

    private TinyCrystals() {
    }

    /**
     * A one-layer, 16-wide Crystalformer configuration (YAML) in {@code dir}/tiny.yaml: a forward pass over a
     * dozen two-atom cells takes milliseconds.
     */
    static Path tinyCrystalformerConfig(Path dir, int swaEpochs, boolean plots) throws IOException {
        return Files.writeString(dir.resolve("tiny.yaml"), String.format(Locale.ROOT, """
                num_layers: 1
                model_dim: 16
                head_num: 2
                ff_dim: 16
                embedding_dim: [8]
                value_pe_dist_real: 8
                batch_size: 4
                swa_epochs: %d
                plots: %b
                """, swaEpochs, plots));
    }

    /** A two-atom P1 CIF; {@code fcc} gives the 60° rock-salt primitive cell, otherwise cubic CsCl. */
    static String cif(String name, String a1, String a2, double a, boolean fcc, Random rnd) {
        double ang = fcc ? 60 : 90;
        StringBuilder sb = new StringBuilder();
        sb.append("data_").append(name).append('\n');
        sb.append(String.format(Locale.ROOT, "_cell_length_a %.5f%n_cell_length_b %.5f%n_cell_length_c %.5f%n",
                a * (1 + 0.02 * rnd.nextGaussian()), a * (1 + 0.02 * rnd.nextGaussian()),
                a * (1 + 0.02 * rnd.nextGaussian())));
        sb.append(String.format(Locale.ROOT, "_cell_angle_alpha %.4f%n_cell_angle_beta %.4f%n_cell_angle_gamma %.4f%n",
                ang + rnd.nextGaussian(), ang + rnd.nextGaussian(), ang + rnd.nextGaussian()));
        sb.append("_symmetry_space_group_name_H-M 'P 1'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
                + "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n");
        sb.append(String.format(Locale.ROOT, "%s1 %s %.5f %.5f %.5f%n", a1, a1, 0.02 * rnd.nextGaussian(),
                0.02 * rnd.nextGaussian(), 0.02 * rnd.nextGaussian()));
        sb.append(String.format(Locale.ROOT, "%s2 %s %.5f %.5f %.5f%n", a2, a2, 0.5 + 0.02 * rnd.nextGaussian(),
                0.5 + 0.02 * rnd.nextGaussian(), 0.5 + 0.02 * rnd.nextGaussian()));
        return sb.toString();
    }

    /**
     * A CSV data set of {@code n} rows: id, cif, y (≈ lattice parameter), y2 (another target, not constant on any part:
     * a constant target has no R², which the model file cannot store), split
     * (train / val / test in a 8:2:2 pattern).
     */
    static Path csv(Path file, int n, long seed) throws IOException {
        Random rnd = new Random(seed);
        String[][] pairs = {{"Na", "Cl"}, {"Cs", "Cl"}, {"K", "Br"}, {"Li", "F"}};
        StringBuilder sb = new StringBuilder("id,cif,y,y2,split\n");
        for (int i = 0; i < n; i++) {
            String[] p = pairs[i % pairs.length];
            double a = 3.5 + 0.1 * (i % 7);
            boolean fcc = i % 2 == 0;
            String split = i % 6 == 4 ? "val" : i % 6 == 5 ? "test" : "train";
            sb.append("s").append(i).append(",\"").append(cif("s" + i, p[0], p[1], a, fcc, rnd)).append("\",")
                    .append(String.format(Locale.ROOT, "%.4f,%.4f,%s%n", a - 3.0, (fcc ? 1.0 : -1.0) + 0.01 * i, split));
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}
