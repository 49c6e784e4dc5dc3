package org.xtal4j.structure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Numeric facts about one element. Missing values are {@code NaN} (numbers) or empty arrays.
 *
 * <p>Units: mass in u, energies in eV, radii in Å, {@code densityKgM3} in kg/m³ (pymatgen's
 * "density of solid"). {@link MagpieProperties} keeps Magpie's own units (density in g/L).
 */
public record ElementProperties(
        int z,
        String symbol,
        String name,
        double atomicMass,
        int row,
        int group,
        String block,
        double paulingElectronegativity,
        double firstIonisationEnergy,
        double atomicRadius,
        double atomicRadiusCalculated,
        double vanDerWaalsRadius,
        double densityKgM3,
        int[] commonOxidationStates,
        int[] icsdOxidationStates,
        double mendeleevNumber,
        MagpieProperties magpie) {

    /** The Magpie (matminer 0.7.4) values Site-Net uses, raw and unscaled; NaN where Magpie has none. */
    public record MagpieProperties(
            double atomicWeight,
            double row,
            double column,
            double firstIonizationEnergy,
            double electronegativity,
            double atomicRadius,
            double density) {
    }

    /** Column order of the resource {@code elements.tsv}. */
    static final String[] COLUMNS = {
        "Z", "symbol", "name", "atomic_mass", "row", "group", "block", "X_pauling",
        "first_ionization_energy_eV", "atomic_radius_A", "atomic_radius_calculated_A",
        "van_der_waals_radius_A", "density_of_solid_kg_m3", "common_oxidation_states",
        "icsd_oxidation_states", "mendeleev_no",
        "magpie_AtomicWeight", "magpie_Row", "magpie_Column", "magpie_FirstIonizationEnergy",
        "magpie_Electronegativity", "magpie_AtomicRadius", "magpie_Density"
    };

    static final Table TABLE = new Table();

    /** Lazily loaded table, indexed by Z. */
    static final class Table {
        private volatile List<ElementProperties> rows;

        ElementProperties get(int z) {
            List<ElementProperties> r = rows;
            if (r == null) {
                synchronized (this) {
                    if (rows == null) {
                        rows = load();
                    }
                    r = rows;
                }
            }
            return r.get(z);
        }

        private static List<ElementProperties> load() {
            List<ElementProperties> out = new ArrayList<>();
            out.add(null); // index 0 unused
            try (BufferedReader in = Element.resource("/org/xtal4j/structure/elements.tsv")) {
                String line;
                boolean header = true;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("#") || line.isBlank()) {
                        continue;
                    }
                    String[] f = line.split("\t", -1);
                    if (header) {
                        if (!String.join("\t", f).equals(String.join("\t", COLUMNS))) {
                            throw new IllegalStateException("elements.tsv has unexpected columns: " + line);
                        }
                        header = false;
                        continue;
                    }
                    out.add(parse(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (out.size() != Element.MAX_Z + 1) {
                throw new IllegalStateException("elements.tsv has " + (out.size() - 1) + " elements, expected " + Element.MAX_Z);
            }
            return out;
        }

        private static ElementProperties parse(String[] f) {
            int i = 0;
            return new ElementProperties(
                    Integer.parseInt(f[i++]), f[i++], f[i++], num(f[i++]), (int) num(f[i++]), (int) num(f[i++]), f[i++],
                    num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]),
                    ints(f[i++]), ints(f[i++]), num(f[i++]),
                    new MagpieProperties(num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++]), num(f[i++])));
        }

        private static double num(String s) {
            return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        }

        private static int[] ints(String s) {
            if (s.isEmpty()) {
                return new int[0];
            }
            String[] p = s.split(",");
            int[] v = new int[p.length];
            for (int k = 0; k < p.length; k++) {
                v[k] = Integer.parseInt(p[k].trim());
            }
            return v;
        }
    }
}
