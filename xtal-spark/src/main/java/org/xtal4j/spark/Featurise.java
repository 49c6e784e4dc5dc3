package org.xtal4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.xtal4j.structure.Element;
import org.xtal4j.structure.Structure;
import org.xtal4j.symmetry.PrimitiveCellFinder;

/**
 * Cheap per-structure features as a Spark step, so a screen can filter before it predicts: number of sites,
 * formula, reduced formula, chemical system ("Fe-O", elements in alphabetical order, as pymatgen) and,
 * optionally, the number of sites of the primitive cell. A structure that cannot be read gets the reason in
 * the {@code error} column (kept by {@link Screening#predict}, which then does not predict it).
 */
public final class Featurise {

    public static final String N_SITES = "n_sites";
    public static final String FORMULA = "formula";
    public static final String REDUCED_FORMULA = "reduced_formula";
    public static final String CHEMICAL_SYSTEM = "chemical_system";
    public static final String PRIMITIVE_N_SITES = "primitive_n_sites";

    private Featurise() {
    }

    /**
     * The input with the feature columns (and {@code error}) added.
     *
     * @param primitive also search the primitive cell (tolerance {@link PrimitiveCellFinder#DEFAULT_TOLERANCE} Å);
     *                  costs more than the rest together
     */
    public static Dataset<Row> apply(Dataset<Row> input, ScreenOptions options, boolean primitive) {
        StructType in = input.schema();
        int sc = Columns.index(in, Columns.structure(in, options));
        int idc = Columns.index(in, Columns.id(in, options));
        int ec = Columns.index(in, Columns.ERROR);
        StructType out = new StructType();
        for (StructField f : in.fields()) {
            if (!f.name().equals(Columns.ERROR)) {
                out = out.add(f);
            }
        }
        out = out.add(N_SITES, DataTypes.IntegerType).add(FORMULA, DataTypes.StringType)
                .add(REDUCED_FORMULA, DataTypes.StringType).add(CHEMICAL_SYSTEM, DataTypes.StringType);
        if (primitive) {
            out = out.add(PRIMITIVE_N_SITES, DataTypes.IntegerType);
        }
        out = out.add(Columns.ERROR, DataTypes.StringType);
        String format = options.structureFormat().orElse(null);
        MapFunction<Row, Row> f = row -> featurise(row, sc, idc, ec, format, primitive);
        return input.map(f, Encoders.row(out));
    }

    private static Row featurise(Row row, int sc, int idc, int ec, String format, boolean primitive) {
        List<Object> v = new ArrayList<>();
        for (int i = 0; i < row.length(); i++) {
            if (i != ec) {
                v.add(row.get(i));
            }
        }
        String error = ec >= 0 ? row.getString(ec) : null;
        Object[] feats = new Object[primitive ? 5 : 4];
        if (error == null) {
            try {
                Object id = row.get(idc);
                Structure s = StructureText.parse(row.getString(sc), id == null ? null : id.toString(), format);
                feats[0] = s.size();
                feats[1] = s.composition().formula();
                feats[2] = s.composition().reducedFormula();
                feats[3] = chemicalSystem(s);
                if (primitive) {
                    feats[4] = PrimitiveCellFinder.primitive(s).size();
                }
            } catch (RuntimeException | StackOverflowError e) {
                error = StructureText.describe(e);
                feats = new Object[feats.length];
            }
        }
        for (Object o : feats) {
            v.add(o);
        }
        v.add(error);
        return RowFactory.create(v.toArray());
    }

    /** Element symbols in alphabetical order joined by "-", as pymatgen's chemical system. */
    public static String chemicalSystem(Structure s) {
        TreeSet<String> symbols = new TreeSet<>();
        for (Element e : s.composition().amounts().keySet()) {
            symbols.add(e.symbol());
        }
        return String.join("-", symbols);
    }
}
