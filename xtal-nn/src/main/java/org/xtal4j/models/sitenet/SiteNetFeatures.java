package org.xtal4j.models.sitenet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xtal4j.geometry.MinimumImage;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.ElementProperties.MagpieProperties;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;

/**
 * Site-Net's raw input features of one crystal (spec {@code sitenet.md} §1.4–1.5), computed from a
 * {@link SiteNetSupercell}:
 *
 * <ul>
 *   <li>per P1 site p (supercell row p·k): the embedding token Z; the 8 Magpie properties
 *       {@link #MAGPIE_PROPERTIES} (matminer 0.7.4 {@code SiteElementalProperty}, raw and unscaled,
 *       from {@link MagpieProperties}; Number = Z); the oxidation state (0 unless given). The model's
 *       101-vector is [learned embedding of Z (92) | these 8 | oxidation state].</li>
 *   <li>per (P1 site i, supercell site j), channels [distance, log-Coulomb]: the minimum-image
 *       distance in the supercell, and clip(ln(C_ij + 1e-8), −10, 10) of the supercell's Coulomb
 *       matrix C_ij = Z_i·Z_j/(d_ij·{@link #ANG_TO_BOHR}) (i ≠ j), C_ii = 0.5·Z_i^2.4.</li>
 * </ul>
 *
 * <p>NaN filter. The reference drops, silently, every crystal whose features contain a NaN
 * ({@code clean_result}); here {@link #of} throws {@link SiteNetInputException} naming each
 * offending element and property, and {@link #rejection(Structure)} returns the same message for
 * callers that filter. With the Magpie table of the repository (= matminer 0.7.4) the excluded
 * elements of Z ≤ 103 are, with the missing properties:
 * He, Ne (Electronegativity, AtomicRadius); Ar (Electronegativity); Kr, Xe (AtomicRadius);
 * At (FirstIonizationEnergy, AtomicRadius, Density); Rn (Electronegativity, AtomicRadius);
 * Fr (AtomicRadius, Density); Cm, Bk, Cf (AtomicRadius); Es, Fm, Md, No (AtomicRadius, Density);
 * Lr (Electronegativity, AtomicRadius, Density). Z ≥ 100 is also out of the reference's element
 * checks (embedding table of 200 rows, validity Z &lt; 100); it is rejected the same way. Noble
 * gases lack a Pauling electronegativity or a Slater radius in Magpie, At and the heavy actinides
 * lack measured values. Partially occupied sites are rejected as well (the reference orders them
 * first, out of scope here).
 */
public final class SiteNetFeatures {

    /** Order of the 8 raw Magpie site features. */
    public static final List<String> MAGPIE_PROPERTIES = List.of("Number", "AtomicWeight", "Row", "Column",
            "FirstIonizationEnergy", "Electronegativity", "AtomicRadius", "Density");
    /** scipy CODATA 2018 "Angstrom star" / "Bohr radius", as matminer's CoulombMatrix. */
    public static final double ANG_TO_BOHR = 1.00001495e-10 / 5.29177210903e-11;
    /** Clip of the log-Coulomb channel (config {@code max_clip}). */
    public static final double LOG_COULOMB_CLIP = 10.0;
    /** Largest atomic number Site-Net accepts. */
    public static final int MAX_Z = 99;

    private final int n;
    private final int size;
    private final int imageCount;
    private final int[] atomicNumbers;
    private final double[] magpie;       // [n, 8]
    private final double[] oxidation;    // [n]
    private final double[] interaction;  // [n, N, 2]

    private SiteNetFeatures(int n, int size, int imageCount, int[] atomicNumbers, double[] magpie, double[] oxidation,
            double[] interaction) {
        this.n = n;
        this.size = size;
        this.imageCount = imageCount;
        this.atomicNumbers = atomicNumbers;
        this.magpie = magpie;
        this.oxidation = oxidation;
        this.interaction = interaction;
    }

    /** Features with oxidation states 0 (undecorated elements, as in Matbench). */
    public static SiteNetFeatures of(SiteNetSupercell cell) {
        return of(cell, new double[cell.primitiveSize()]);
    }

    /**
     * Features with the given oxidation state per P1 site (in the order of
     * {@link SiteNetSupercell#primitive()}).
     */
    public static SiteNetFeatures of(SiteNetSupercell cell, double[] oxidationStates) {
        Structure p1 = cell.primitive();
        int n = p1.size();
        if (oxidationStates.length != n) {
            throw new IllegalArgumentException("need " + n + " oxidation states, got " + oxidationStates.length);
        }
        rejection(p1).ifPresent(msg -> {
            throw new SiteNetInputException(msg);
        });
        int[] z = p1.atomicNumbers();
        double[] mag = new double[n * 8];
        for (int p = 0; p < n; p++) {
            System.arraycopy(magpieRow(z[p]), 0, mag, p * 8, 8);
        }

        Structure sc = cell.supercell();
        int size = sc.size();
        int k = cell.imageCount();
        int[] zs = sc.atomicNumbers();
        double[][] cart = sc.cartesianCoordinates();
        MinimumImage mi = MinimumImage.of(sc.lattice());
        double[] inter = new double[n * size * 2];
        for (int p = 0; p < n; p++) {
            int i = p * k;
            for (int j = 0; j < size; j++) {
                double d = i == j ? 0.0 : mi.distance(cart[i], cart[j]);
                double c = i == j ? 0.5 * Math.pow(zs[i], 2.4) : zs[i] * zs[j] / (d * ANG_TO_BOHR);
                double lc = Math.log(c + 1e-8);
                int at = (p * size + j) * 2;
                inter[at] = d;
                inter[at + 1] = Math.max(-LOG_COULOMB_CLIP, Math.min(LOG_COULOMB_CLIP, lc));
            }
        }
        return new SiteNetFeatures(n, size, k, z, mag, oxidationStates.clone(), inter);
    }

    /** The 8 raw Magpie features of element Z, NaN where Magpie has no value. */
    public static double[] magpieRow(int z) {
        MagpieProperties m = Element.of(z).properties().magpie();
        return new double[] {z, m.atomicWeight(), m.row(), m.column(), m.firstIonizationEnergy(),
            m.electronegativity(), m.atomicRadius(), m.density()};
    }

    /**
     * Why Site-Net's reference would drop this structure, or empty when it can be featurised:
     * partial occupancy, Z outside 1..{@value #MAX_Z}, or a NaN Magpie property (each element named
     * once, with its missing properties).
     */
    public static Optional<String> rejection(Structure structure) {
        Map<Element, List<String>> bad = new LinkedHashMap<>();
        int disordered = 0;
        for (Site s : structure.sites()) {
            if (!s.isOrdered() || s.species().size() != 1) {
                disordered++;
                continue;
            }
            Element e = s.element();
            if (bad.containsKey(e)) {
                continue;
            }
            List<String> why = new ArrayList<>();
            double[] row = magpieRow(e.z());
            for (int q = 0; q < row.length; q++) {
                if (Double.isNaN(row[q])) {
                    why.add(MAGPIE_PROPERTIES.get(q));
                }
            }
            if (!why.isEmpty() || e.z() > MAX_Z) {
                bad.put(e, why);
            }
        }
        if (bad.isEmpty() && disordered == 0) {
            return Optional.empty();
        }
        StringBuilder msg = new StringBuilder("Site-Net cannot featurise ")
                .append(structure.composition().formula()).append(": ");
        List<String> parts = new ArrayList<>();
        if (disordered > 0) {
            parts.add(disordered + " partially occupied site(s) (order the structure first)");
        }
        for (Map.Entry<Element, List<String>> e : bad.entrySet()) {
            Element el = e.getKey();
            String part = el.symbol() + " (Z=" + el.z() + ")";
            if (el.z() > MAX_Z) {
                part += " is beyond Z = " + MAX_Z;
            }
            if (!e.getValue().isEmpty()) {
                part += (el.z() > MAX_Z ? " and" : "") + " has no Magpie " + String.join(", ", e.getValue());
            }
            parts.add(part);
        }
        msg.append(String.join("; ", parts));
        msg.append(" (the reference drops such crystals from training and testing)");
        return Optional.of(msg.toString());
    }

    /** n, the number of P1 sites (rows). */
    public int primitiveSize() {
        return n;
    }

    /** N, the number of supercell sites (columns). */
    public int size() {
        return size;
    }

    /** k, images per P1 site; column j is an image of P1 site j / k. */
    public int imageCount() {
        return imageCount;
    }

    /** The embedding tokens (Z) of the P1 sites. */
    public int[] atomicNumbers() {
        return atomicNumbers.clone();
    }

    /** Raw Magpie features [n, 8], row-major, in the order {@link #MAGPIE_PROPERTIES}. */
    public double[] magpie() {
        return magpie.clone();
    }

    public double magpie(int p, int property) {
        return magpie[p * 8 + property];
    }

    /** Oxidation states [n]. */
    public double[] oxidationStates() {
        return oxidation.clone();
    }

    /** Raw interaction features [n, N, 2], row-major, channels [distance, log-Coulomb]. */
    public double[] interaction() {
        return interaction.clone();
    }

    /** Minimum-image distance (Å) from P1 site i to supercell site j. */
    public double distance(int i, int j) {
        return interaction[(i * size + j) * 2];
    }

    /** The clipped log-Coulomb entry for P1 site i and supercell site j. */
    public double logCoulomb(int i, int j) {
        return interaction[(i * size + j) * 2 + 1];
    }
}
