package org.xtal4j.io.cif;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.xtal4j.io.StructureParseException;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Lattice;
import org.xtal4j.structure.Site;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.SpaceGroupSetting;
import org.xtal4j.symmetry.SpaceGroupSettings;
import org.xtal4j.symmetry.SymmetryExpander;
import org.xtal4j.symmetry.SymmetryOperation;

/**
 * Turns one CIF data block into a P1 {@link Structure}: cell, symmetry operations, asymmetric
 * unit, then {@link SymmetryExpander} (pymatgen-compatible merging).
 *
 * <p>Symmetry comes from, in this order: the operation loop ({@code _symmetry_equiv_pos_as_xyz},
 * {@code _space_group_symop_operation_xyz}, DDLm {@code _space_group_symop.operation_xyz}); the
 * Hall symbol; the H-M symbol; the IT number (see {@link SpaceGroupSettings}). The loop always wins:
 * symbols in real files are sometimes wrong (cod-1009031 has {@code 'P 42/m m c S'}). A block
 * with no symmetry information at all is read as P1, with a warning.
 *
 * <p>Decisions where this reader differs from pymatgen 2022.11 (spec section 3.7.1):
 * <ul>
 *   <li>COD dummy atoms ({@code _atom_site_calc_flag dum}) and pseudo-atoms without an atom type
 *       (type symbol {@code .}, or centroid labels {@code Cg*}) are skipped with a warning. pymatgen
 *       keeps the dummy atoms of cod-1000451 and cod-1001031 (occupancy 5 and 2.08 at −1,−1,−1) and
 *       then fails on the occupancy sum; this reader reads both files.</li>
 *   <li>Occupancies that add up to more than 1 (+1e-8) at one position are an error naming the
 *       atoms, as in pymatgen (whose default occupancy tolerance never rescales).</li>
 *   <li>Rows with occupancy 0 are skipped (as pymatgen), with a warning.</li>
 *   <li>Unknown elements, {@code ?} or non-numbers in the cell or coordinates, missing cell lengths,
 *       degenerate cells and unreadable symmetry operations are errors (pymatgen accepts several).</li>
 *   <li>Missing cell angles default to 90° (the CIF dictionary default), with a warning.</li>
 *   <li>Deuterium ({@code D}) is read as hydrogen, with a warning.</li>
 * </ul>
 */
final class CifStructureReader {

    private static final String[] SYMOP_TAGS = {"_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"};
    private static final String[] HALL_TAGS = {"_symmetry_space_group_name_hall", "_space_group_name_hall"};
    private static final String[] HM_TAGS = {"_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt"};
    private static final String[] IT_TAGS = {"_symmetry_int_tables_number", "_space_group_it_number"};

    /** Larger fractional coordinates are typos or corruption, and would lose all precision. */
    private static final double MAX_FRACTIONAL = 1000;
    /** Longer cell edges (Å) are not crystals this library can handle. */
    private static final double MAX_CELL_LENGTH = 1e5;

    private final String source;
    private final Consumer<String> warnings;

    CifStructureReader(String source, Consumer<String> warnings) {
        this.source = source;
        this.warnings = warnings;
    }

    /** Whether the block describes atoms (and so must yield a structure). */
    static boolean hasAtoms(CifBlock block) {
        return block.has("_atom_site_fract_x") || block.has("_atom_site_cartn_x") || block.has("_atom_site_label")
                || block.has("_atom_site_type_symbol");
    }

    Structure read(CifBlock block) {
        Lattice lattice = lattice(block);
        List<SymmetryOperation> ops = operations(block, isRhombohedralCell(lattice));
        List<SymmetryExpander.Atom> atoms = new ArrayList<>();
        List<Integer> atomLines = new ArrayList<>();
        asymmetricUnit(block, atoms, atomLines);
        List<SymmetryExpander.ExpandedSite> expanded = new SymmetryExpander(ops).expand(atoms);
        List<Site> sites = new ArrayList<>(expanded.size());
        for (SymmetryExpander.ExpandedSite e : expanded) {
            if (e.totalOccupancy() > 1 + Site.OCCUPANCY_TOLERANCE) {
                throw overfull(e, atoms, atomLines);
            }
            sites.add(new Site(e.species(), e.frac(), atoms.get(e.atoms().get(0)).label()));
        }
        return Structure.builder().lattice(lattice).sites(sites).build();
    }

    // ---------------------------------------------------------------- cell

    private Lattice lattice(CifBlock block) {
        double a = cellNumber(block, "_cell_length_a", null);
        double b = cellNumber(block, "_cell_length_b", null);
        double c = cellNumber(block, "_cell_length_c", null);
        double alpha = cellNumber(block, "_cell_angle_alpha", 90.0);
        double beta = cellNumber(block, "_cell_angle_beta", 90.0);
        double gamma = cellNumber(block, "_cell_angle_gamma", 90.0);
        try {
            return Lattice.fromParameters(a, b, c, alpha, beta, gamma);
        } catch (IllegalArgumentException e) {
            CifBlock.Item item = block.item("_cell_length_a");
            throw new StructureParseException(source, item.line(), String.format(Locale.ROOT,
                    "the cell a=%g b=%g c=%g alpha=%g beta=%g gamma=%g is not a valid lattice: %s",
                    a, b, c, alpha, beta, gamma, e.getMessage()));
        }
    }

    private double cellNumber(CifBlock block, String tag, Double defaultValue) {
        CifValue v = single(block, tag);
        if (v == null) {
            if (defaultValue == null) {
                throw new StructureParseException(source, block.line(), tag + " is missing in block data_" + block.name());
            }
            warnings.accept(source + ":" + block.line() + ": " + tag + " is missing; using " + defaultValue);
            return defaultValue;
        }
        if (v.isMissing()) {
            throw new StructureParseException(source, v.line(), tag + " is '" + v.text() + "' (unknown); a number is needed");
        }
        Double d = v.number();
        if (d == null) {
            throw new StructureParseException(source, v.line(), tag + " is '" + v.text() + "', not a number");
        }
        if (tag.startsWith("_cell_length") && !(d > 0 && d <= MAX_CELL_LENGTH)) {
            throw new StructureParseException(source, v.line(), tag + " = " + v.text() + " is not a plausible cell length in Å");
        }
        return d;
    }

    private static boolean isRhombohedralCell(Lattice l) {
        double a = l.a();
        return Math.abs(l.b() - a) < 1e-4 * a && Math.abs(l.c() - a) < 1e-4 * a
                && Math.abs(l.alpha() - l.beta()) < 1e-3 && Math.abs(l.alpha() - l.gamma()) < 1e-3
                && Math.abs(l.alpha() - 90) > 1e-3;
    }

    // ---------------------------------------------------------------- symmetry

    private List<SymmetryOperation> operations(CifBlock block, boolean rhombohedralCell) {
        for (String tag : SYMOP_TAGS) {
            CifBlock.Item item = block.item(tag);
            if (item == null) {
                continue;
            }
            checkUnique(block, tag);
            if (item.values().stream().allMatch(CifValue::isMissing)) {
                continue;
            }
            List<SymmetryOperation> ops = new ArrayList<>();
            for (CifValue v : item.values()) {
                if (v.isMissing()) {
                    throw new StructureParseException(source, v.line(), item.tag() + " has an unknown value '" + v.text() + "'");
                }
                try {
                    ops.add(SymmetryOperation.parse(v.text()));
                } catch (IllegalArgumentException e) {
                    throw new StructureParseException(source, v.line(), e.getMessage());
                }
            }
            return ops;
        }
        SpaceGroupSettings table = SpaceGroupSettings.standard();
        List<String> tried = new ArrayList<>();
        for (String tag : HALL_TAGS) {
            CifValue v = symbolValue(block, tag);
            if (v != null) {
                Optional<SpaceGroupSetting> s = table.byHall(v.text());
                if (s.isPresent()) {
                    return s.get().operations(); // a Hall symbol names one setting exactly
                }
                tried.add("Hall symbol '" + v.text() + "'");
            }
        }
        for (String tag : HM_TAGS) {
            CifValue v = symbolValue(block, tag);
            if (v != null) {
                Optional<SpaceGroupSetting> s = table.byHermannMauguin(v.text(), rhombohedralCell);
                if (s.isPresent()) {
                    boolean choiceImplied = s.get().choice().matches("[12HR]") && !v.text().contains(":");
                    return fromSetting(v, "H-M symbol '" + v.text() + "'", s.get(), choiceImplied);
                }
                tried.add("H-M symbol '" + v.text() + "'");
            }
        }
        for (String tag : IT_TAGS) {
            CifValue v = symbolValue(block, tag);
            if (v != null) {
                Double d = v.number();
                if (d != null && d == Math.rint(d) && d >= 1 && d <= 230) {
                    Optional<SpaceGroupSetting> s = table.byNumber(d.intValue(), rhombohedralCell);
                    if (s.isPresent()) {
                        int number = d.intValue();
                        boolean several = table.settings().stream().filter(x -> x.number() == number).count() > 1;
                        return fromSetting(v, "space-group number " + number + " (standard setting)", s.get(), several);
                    }
                }
                tried.add("space-group number '" + v.text() + "'");
            }
        }
        if (!tried.isEmpty()) {
            throw new StructureParseException(source, block.line(), "no symmetry-operation loop, and "
                    + String.join(", ", tried) + " could not be resolved to symmetry operations");
        }
        warnings.accept(source + ":" + block.line() + ": no symmetry operations or space group given; assuming P1");
        return List.of(SymmetryOperation.IDENTITY);
    }

    /** The setting's operations; warns only when the file left a choice of setting (origin, axes) to us. */
    private List<SymmetryOperation> fromSetting(CifValue v, String what, SpaceGroupSetting s, boolean settingChosenByUs) {
        if (settingChosenByUs) {
            warnings.accept(source + ":" + v.line() + ": no symmetry-operation loop and no setting given; using the "
                    + s.operations().size() + " operations of " + what + " = " + s.describe());
        }
        return s.operations();
    }

    private CifValue symbolValue(CifBlock block, String tag) {
        CifValue v = single(block, tag);
        return v == null || v.isMissing() || v.text().isBlank() ? null : v;
    }

    // ---------------------------------------------------------------- atoms

    private void asymmetricUnit(CifBlock block, List<SymmetryExpander.Atom> atoms, List<Integer> atomLines) {
        if (!block.has("_atom_site_fract_x")) {
            String why = block.has("_atom_site_cartn_x")
                    ? "atom sites have only Cartesian coordinates (_atom_site_Cartn_x); fractional ones are needed"
                    : "atom sites have no _atom_site_fract_x";
            throw new StructureParseException(source, block.line(), why);
        }
        List<CifValue> xs = column(block, "_atom_site_fract_x", true);
        int n = xs.size();
        List<CifValue> ys = sameLength(block, "_atom_site_fract_y", n, true);
        List<CifValue> zs = sameLength(block, "_atom_site_fract_z", n, true);
        List<CifValue> labels = sameLength(block, "_atom_site_label", n, false);
        List<CifValue> types = sameLength(block, "_atom_site_type_symbol", n, false);
        List<CifValue> occs = sameLength(block, "_atom_site_occupancy", n, false);
        List<CifValue> flags = sameLength(block, "_atom_site_calc_flag", n, false);
        for (int i = 0; i < n; i++) {
            int line = xs.get(i).line();
            String label = labels != null && !labels.get(i).isMissing() ? labels.get(i).text() : null;
            String name = label != null ? "atom " + label : "atom row " + (i + 1);
            if (flags != null && flags.get(i).text().equalsIgnoreCase("dum")) {
                warnings.accept(source + ":" + line + ": skipped dummy " + name + " (_atom_site_calc_flag dum)");
                continue;
            }
            Element element = element(types != null ? types.get(i) : null, label, name, line);
            if (element == null) {
                continue;
            }
            double occ = 1.0;
            if (occs != null && !occs.get(i).isMissing()) {
                Double o = occs.get(i).number();
                if (o == null || o < 0) {
                    throw new StructureParseException(source, occs.get(i).line(), name + ": occupancy '"
                            + occs.get(i).text() + "' is not a non-negative number");
                }
                occ = o;
            }
            if (occ == 0) {
                warnings.accept(source + ":" + line + ": skipped " + name + " with occupancy 0");
                continue;
            }
            double[] f = {coordinate(xs.get(i), name, "x"), coordinate(ys.get(i), name, "y"), coordinate(zs.get(i), name, "z")};
            atoms.add(new SymmetryExpander.Atom(element, occ, f, label != null ? label : element.symbol()));
            atomLines.add(line);
        }
        if (atoms.isEmpty()) {
            throw new StructureParseException(source, xs.get(0).line(), "no atoms are left after skipping dummy, "
                    + "pseudo- and zero-occupancy atoms");
        }
    }

    /** The element, or null for a pseudo-atom that is skipped. */
    private Element element(CifValue type, String label, String name, int line) {
        String symbol;
        boolean fromLabel = false;
        if (type != null && type.isInapplicable()) {
            warnings.accept(source + ":" + line + ": skipped pseudo-atom " + name + " (type symbol '.')");
            return null;
        }
        if (type != null && !type.isUnknown() && !type.text().isBlank()) {
            symbol = type.text();
        } else if (label != null) {
            if (label.length() >= 2 && label.substring(0, 2).equalsIgnoreCase("cg")) {
                warnings.accept(source + ":" + line + ": skipped centroid pseudo-atom " + name);
                return null;
            }
            symbol = label;
            fromLabel = true;
        } else {
            throw new StructureParseException(source, line, name + " has neither a type symbol nor a label");
        }
        Optional<Element> e = CifElements.parse(symbol);
        if (e.isEmpty()) {
            throw new StructureParseException(source, line, name + ": '" + symbol + "' is not an element symbol");
        }
        if (CifElements.isDeuterium(symbol.strip()) && e.get().symbol().equals("H")) {
            warnings.accept(source + ":" + line + ": " + name + ": deuterium '" + symbol + "' read as hydrogen");
        } else if (fromLabel && !CifElements.isExact(symbol, e.get())) {
            warnings.accept(source + ":" + line + ": label '" + symbol + "' read as element " + e.get().symbol());
        }
        return e.get();
    }

    private double coordinate(CifValue v, String name, String axis) {
        if (v.isMissing()) {
            throw new StructureParseException(source, v.line(), name + ": fractional " + axis + " is '" + v.text()
                    + "' (unknown)");
        }
        Double d = v.number();
        if (d == null) {
            throw new StructureParseException(source, v.line(), name + ": fractional " + axis + " '" + v.text()
                    + "' is not a number");
        }
        if (Math.abs(d) > MAX_FRACTIONAL) {
            throw new StructureParseException(source, v.line(), name + ": fractional " + axis + " = " + v.text()
                    + " is not a plausible fractional coordinate");
        }
        return d;
    }

    private StructureParseException overfull(SymmetryExpander.ExpandedSite e, List<SymmetryExpander.Atom> atoms,
            List<Integer> lines) {
        List<String> who = new ArrayList<>();
        for (int i : e.atoms()) {
            who.add(atoms.get(i).label() + " (line " + lines.get(i) + ", occupancy " + fmt(atoms.get(i).occupancy()) + ")");
        }
        int last = lines.get(e.atoms().get(e.atoms().size() - 1));
        double[] f = e.frac();
        String where = String.format(Locale.ROOT, "(%.4f, %.4f, %.4f)", f[0], f[1], f[2]);
        String what = who.size() == 1 ? "atom " + who.get(0) + " at " + where + " has occupancy above 1"
                : "atoms " + String.join(", ", who) + " share the position " + where
                        + " and their occupancies add up to " + fmt(e.totalOccupancy()) + " > 1";
        return new StructureParseException(source, last, what);
    }

    private static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    // ---------------------------------------------------------------- item access

    private CifValue single(CifBlock block, String tag) {
        CifBlock.Item item = block.item(tag);
        if (item == null) {
            return null;
        }
        checkUnique(block, tag);
        if (item.values().size() != 1) {
            throw new StructureParseException(source, item.line(), item.tag() + " must have one value, not "
                    + item.values().size());
        }
        return item.values().get(0);
    }

    private List<CifValue> column(CifBlock block, String tag, boolean required) {
        CifBlock.Item item = block.item(tag);
        if (item == null) {
            if (required) {
                throw new StructureParseException(source, block.line(), tag + " is missing");
            }
            return null;
        }
        checkUnique(block, tag);
        return item.values();
    }

    private List<CifValue> sameLength(CifBlock block, String tag, int n, boolean required) {
        List<CifValue> col = column(block, tag, required);
        if (col != null && col.size() != n) {
            throw new StructureParseException(source, block.item(tag).line(), tag + " has " + col.size()
                    + " values but _atom_site_fract_x has " + n);
        }
        return col;
    }

    private void checkUnique(CifBlock block, String tag) {
        int dup = block.duplicateLine(tag);
        if (dup > 0) {
            throw new StructureParseException(source, dup, tag + " appears twice in block data_" + block.name()
                    + " (first on line " + block.item(tag).line() + ")");
        }
    }
}
