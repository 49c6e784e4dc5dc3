package org.xtal4j.symmetry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The 530 Hall settings of spglib's space-group database, looked up by Hall symbol, Hermann–Mauguin
 * symbol or International Tables number. Used when a CIF has no list of symmetry operations.
 *
 * <p>Data: the resource {@code spacegroup-settings.tsv}, generated from spglib's database
 * (BSD-3-Clause, see its header) by the test-scope tool {@code SpaceGroupSettingsTableGenerator}.
 *
 * <p>Matching rules:
 * <ul>
 *   <li>Hall symbols: case-insensitive, runs of spaces collapsed (spaces are significant in Hall
 *       symbols: {@code P 32} is not {@code P 3 2}).</li>
 *   <li>H-M symbols: spaces, underscores and case are ignored ({@code P 21 21 21} = {@code P2_12_12_1});
 *       full symbols ({@code P 1 1 m}), short symbols ({@code Pbnm}) and the monoclinic short form
 *       of a full symbol ({@code P 21/n} for {@code P 1 21/n 1}) are all recognised.</li>
 *   <li>Settings: a suffix {@code :1}, {@code :2}, {@code :H}, {@code :R} picks the setting; so do
 *       H/R without the colon and the older {@code S} (origin choice 1) / {@code Z} (origin at the
 *       centre, choice 2) letters. Without one, the first setting in spglib's order is used,
 *       which is origin choice 1 and, for monoclinic groups, unique axis b (the International
 *       Tables' first-listed setting, as cctbx and spglib do). For rhombohedral groups the caller
 *       may ask for rhombohedral axes when the cell has a = b = c and α = β = γ ≠ 90°;
 *       otherwise hexagonal axes are used.</li>
 *   <li>A centred symbol that spglib does not list (e.g. {@code A -1}) is built from the primitive
 *       symbol with the same point-group part ({@code P -1}) plus the centring translations.</li>
 * </ul>
 */
public final class SpaceGroupSettings {

    private static final String RESOURCE = "spacegroup-settings.tsv";

    private static volatile SpaceGroupSettings standard;

    private final List<SpaceGroupSetting> settings;
    private final Map<String, SpaceGroupSetting> byHall = new HashMap<>();
    private final Map<String, SpaceGroupSetting> byHm = new HashMap<>();

    /** Builds the lookup tables from settings given in spglib's Hall-number order. */
    public SpaceGroupSettings(List<SpaceGroupSetting> settings) {
        this.settings = List.copyOf(settings);
        for (SpaceGroupSetting s : this.settings) {
            byHall.putIfAbsent(normalizeHall(s.hallSymbol()), s);
            String choice = s.choice().toLowerCase(Locale.ROOT);
            for (String symbol : new String[] {s.fullSymbol(), s.shortSymbol(), monoclinicShort(s.fullSymbol())}) {
                if (symbol == null) {
                    continue;
                }
                String key = normalizeHm(symbol);
                byHm.putIfAbsent(key + ":" + choice, s);
                byHm.putIfAbsent(key, s);
            }
        }
    }

    /** The table shipped as a resource (loaded once). */
    public static SpaceGroupSettings standard() {
        SpaceGroupSettings s = standard;
        if (s == null) {
            synchronized (SpaceGroupSettings.class) {
                s = standard;
                if (s == null) {
                    s = new SpaceGroupSettings(load());
                    standard = s;
                }
            }
        }
        return s;
    }

    /** All settings in Hall-number order. */
    public List<SpaceGroupSetting> settings() {
        return settings;
    }

    /** The setting with this Hall symbol. */
    public Optional<SpaceGroupSetting> byHall(String hall) {
        if (hall == null || hall.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byHall.get(normalizeHall(hall)));
    }

    /**
     * The setting with this Hermann–Mauguin symbol.
     *
     * @param rhombohedralAxes prefer the R setting of a rhombohedral group when the symbol does not say
     */
    public Optional<SpaceGroupSetting> byHermannMauguin(String symbol, boolean rhombohedralAxes) {
        if (symbol == null || symbol.isBlank()) {
            return Optional.empty();
        }
        String s = normalizeHm(symbol);
        String base = s;
        String choice = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            base = s.substring(0, colon);
            choice = s.substring(colon + 1);
        } else if (s.length() > 2 && !byHm.containsKey(s)) {
            // a choice letter without the colon: "R -3 m H", "F d -3 m Z" (origin at the centre = 2), "... S" (1)
            String trimmed = s.substring(0, s.length() - 1);
            char last = s.charAt(s.length() - 1);
            if (byHm.containsKey(trimmed)) {
                if (s.charAt(0) == 'r' && (last == 'h' || last == 'r')) {
                    base = trimmed;
                    choice = String.valueOf(last);
                } else if (last == 's' || last == 'z') {
                    base = trimmed;
                    choice = last == 's' ? "1" : "2";
                }
            }
        }
        Optional<SpaceGroupSetting> found = lookupHm(base, choice, rhombohedralAxes);
        if (found.isPresent()) {
            return found;
        }
        return centred(base, choice, rhombohedralAxes, symbol);
    }

    private Optional<SpaceGroupSetting> lookupHm(String base, String choice, boolean rhombohedralAxes) {
        if (choice != null && !choice.isEmpty()) {
            SpaceGroupSetting s = byHm.get(base + ":" + choice);
            if (s != null) {
                return Optional.of(s);
            }
        }
        if (choice == null && rhombohedralAxes) {
            SpaceGroupSetting s = byHm.get(base + ":r");
            if (s != null) {
                return Optional.of(s);
            }
        }
        return Optional.ofNullable(byHm.get(base));
    }

    /** A centring letter on a point-group part that spglib lists only for another lattice. */
    private Optional<SpaceGroupSetting> centred(String base, String choice, boolean rhombohedralAxes, String original) {
        if (base.length() < 2) {
            return Optional.empty();
        }
        double[][] vectors = centringVectors(base.charAt(0));
        if (vectors == null || base.charAt(0) == 'p') {
            return Optional.empty();
        }
        Optional<SpaceGroupSetting> primitive = lookupHm("p" + base.substring(1), choice, rhombohedralAxes);
        if (primitive.isEmpty()) {
            return Optional.empty();
        }
        SpaceGroupSetting p = primitive.get();
        Set<SymmetryOperation> ops = new LinkedHashSet<>();
        for (double[] v : vectors) {
            for (SymmetryOperation op : p.operations()) {
                ops.add(op.plusTranslation(v));
            }
        }
        return Optional.of(new SpaceGroupSetting(0, p.number(), "", original.strip(), original.strip(), "",
                new ArrayList<>(ops)));
    }

    private static double[][] centringVectors(char lattice) {
        double h = 0.5;
        switch (lattice) {
            case 'p':
                return new double[][] {{0, 0, 0}};
            case 'a':
                return new double[][] {{0, 0, 0}, {0, h, h}};
            case 'b':
                return new double[][] {{0, 0, 0}, {h, 0, h}};
            case 'c':
                return new double[][] {{0, 0, 0}, {h, h, 0}};
            case 'i':
                return new double[][] {{0, 0, 0}, {h, h, h}};
            case 'f':
                return new double[][] {{0, 0, 0}, {0, h, h}, {h, 0, h}, {h, h, 0}};
            case 'r':
                return new double[][] {{0, 0, 0}, {2.0 / 3, 1.0 / 3, 1.0 / 3}, {1.0 / 3, 2.0 / 3, 2.0 / 3}};
            default:
                return null;
        }
    }

    /**
     * The standard setting of International Tables number {@code number}.
     *
     * @param rhombohedralAxes prefer rhombohedral axes for the seven rhombohedral groups
     */
    public Optional<SpaceGroupSetting> byNumber(int number, boolean rhombohedralAxes) {
        SpaceGroupSetting first = null;
        for (SpaceGroupSetting s : settings) {
            if (s.number() != number) {
                continue;
            }
            if (rhombohedralAxes && s.choice().equals("R")) {
                return Optional.of(s);
            }
            if (first == null) {
                first = s;
            }
        }
        return Optional.ofNullable(first);
    }

    /** Hall symbols: case-insensitive, but spaces matter, so runs of spaces collapse to one. */
    static String normalizeHall(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** H-M symbols: spaces, underscores and case are not significant. */
    static String normalizeHm(String s) {
        return s.replaceAll("[\\s_]", "").toLowerCase(Locale.ROOT);
    }

    /** "P 1 2_1/n 1" and "P 1 1 2_1/n" → "P 2_1/n"; null for other symbols. */
    private static String monoclinicShort(String full) {
        String[] parts = full.strip().split("\\s+");
        if (parts.length != 4) {
            return null;
        }
        List<String> kept = new ArrayList<>();
        int ones = 0;
        for (int i = 1; i < 4; i++) {
            if (parts[i].equals("1")) {
                ones++;
            } else {
                kept.add(parts[i]);
            }
        }
        return ones == 2 ? parts[0] + " " + kept.get(0) : null;
    }

    private static List<SpaceGroupSetting> load() {
        InputStream in = SpaceGroupSettings.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new UncheckedIOException(new IOException("missing resource " + RESOURCE));
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return parseTable(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the TSV table: hall_number, number, hall, full H-M, short H-M, choice, operations joined by ';'. */
    static List<SpaceGroupSetting> parseTable(BufferedReader r) throws IOException {
        List<SpaceGroupSetting> out = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 7) {
                throw new IOException("bad line in " + RESOURCE + ": " + line);
            }
            List<SymmetryOperation> ops = new ArrayList<>();
            for (String op : f[6].split(";")) {
                ops.add(SymmetryOperation.parse(op));
            }
            out.add(new SpaceGroupSetting(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f[3], f[4], f[5], ops));
        }
        return out;
    }
}
