package org.xtal4j.structure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A chemical element, Z = 1..103, with the properties the models and readers need.
 *
 * <p>Symbols are built in; the numeric properties come from the generated resource
 * {@code elements.tsv} (derived from pymatgen's periodic table and matminer's Magpie tables,
 * see its header and NOTICE). Instances are canonical: compare with {@code ==}.
 */
public final class Element implements Comparable<Element> {

    public static final int MAX_Z = 103;

    private static final String[] SYMBOLS = (
            "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
            + "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm "
            + "Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr")
            .split(" ");

    private static final Element[] BY_Z = new Element[MAX_Z + 1];
    private static final Map<String, Element> BY_SYMBOL = new HashMap<>();

    static {
        for (int z = 1; z <= MAX_Z; z++) {
            Element e = new Element(z, SYMBOLS[z - 1]);
            BY_Z[z] = e;
            BY_SYMBOL.put(e.symbol, e);
        }
    }

    private final int z;
    private final String symbol;

    private Element(int z, String symbol) {
        this.z = z;
        this.symbol = symbol;
    }

    /** The element with atomic number z; throws for z outside 1..103. */
    public static Element of(int z) {
        if (z < 1 || z > MAX_Z) {
            throw new IllegalArgumentException("atomic number " + z + " is outside 1.." + MAX_Z);
        }
        return BY_Z[z];
    }

    /** The element with this exact symbol ("Fe"); throws for an unknown symbol. */
    public static Element of(String symbol) {
        Element e = BY_SYMBOL.get(symbol);
        if (e == null) {
            throw new IllegalArgumentException("unknown element symbol '" + symbol + "'");
        }
        return e;
    }

    /** Like {@link #of(String)} but also accepts any capitalisation ("FE", "fe"). */
    public static Optional<Element> lookup(String symbol) {
        if (symbol == null || symbol.isEmpty() || symbol.length() > 2) {
            return Optional.empty();
        }
        String s = symbol.substring(0, 1).toUpperCase(Locale.ROOT) + symbol.substring(1).toLowerCase(Locale.ROOT);
        return Optional.ofNullable(BY_SYMBOL.get(s));
    }

    public int z() {
        return z;
    }

    public String symbol() {
        return symbol;
    }

    /** Numeric properties of this element (loaded on first use). */
    public ElementProperties properties() {
        return ElementProperties.TABLE.get(z);
    }

    /** Atomic mass in u. */
    public double mass() {
        return properties().atomicMass();
    }

    @Override
    public int compareTo(Element o) {
        return Integer.compare(z, o.z);
    }

    @Override
    public String toString() {
        return symbol;
    }

    /** Reads a tab-separated resource; used by the properties table. */
    static BufferedReader resource(String name) {
        InputStream in = Element.class.getResourceAsStream(name);
        if (in == null) {
            throw new UncheckedIOException(new IOException("missing resource " + name));
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
