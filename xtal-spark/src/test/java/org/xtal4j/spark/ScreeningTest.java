package org.xtal4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.io.StructureIO;
import org.xtal4j.nn.Backend;
import org.xtal4j.nn.Precision;
import org.xtal4j.nn.predict.Ensemble;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;

/** A handful of hand-written structures in three formats, some broken, through the Spark job in local[2]. */
class ScreeningTest {

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path model1;
    static Path model2;

    static final String NACL_CIF = """
            data_NaCl
            _cell_length_a 3.98
            _cell_length_b 3.98
            _cell_length_c 3.98
            _cell_angle_alpha 60
            _cell_angle_beta 60
            _cell_angle_gamma 60
            _symmetry_space_group_name_H-M 'P 1'
            loop_
            _atom_site_label
            _atom_site_type_symbol
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            Na1 Na 0 0 0
            Cl1 Cl 0.5 0.5 0.5
            """;
    static final String KBR_CIF = NACL_CIF.replace("Na", "K").replace("Cl", "Br").replace("3.98", "4.67");
    static final String MGO_POSCAR = """
            MgO rock salt, conventional cell
            1.0
            4.21 0 0
            0 4.21 0
            0 0 4.21
            Mg O
            4 4
            Direct
            0 0 0
            0 0.5 0.5
            0.5 0 0.5
            0.5 0.5 0
            0.5 0.5 0.5
            0.5 0 0
            0 0.5 0
            0 0 0.5
            """;
    static final String CSCL_JSON = "{\"@module\": \"pymatgen.core.structure\", \"@class\": \"Structure\","
            + " \"lattice\": {\"matrix\": [[4.12, 0, 0], [0, 4.12, 0], [0, 0, 4.12]]}, \"sites\": ["
            + "{\"species\": [{\"element\": \"Cs\", \"occu\": 1}], \"abc\": [0, 0, 0]},"
            + "{\"species\": [{\"element\": \"Cl\", \"occu\": 1}], \"abc\": [0.5, 0.5, 0.5]}]}";
    static final String NACL_STRAINED = NACL_CIF.replace("3.98", "4.10");
    /** Z = 99 parses but Crystalformer takes Z = 1..98 only: an error of the model, not of the reader. */
    static final String ES_CIF = NACL_CIF.replace("Na1 Na", "Es1 Es");

    static final Map<String, String> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("nacl", NACL_CIF);
        ROWS.put("kbr", KBR_CIF);
        ROWS.put("mgo", MGO_POSCAR);
        ROWS.put("cscl", CSCL_JSON);
        ROWS.put("nacl2", NACL_STRAINED);
        ROWS.put("truncated", NACL_CIF.substring(0, 60));
        ROWS.put("prose", "this is not a crystal structure\nat all\n");
        ROWS.put("empty", null);
        ROWS.put("einsteinium", ES_CIF);
    }

    static final List<String> BAD = List.of("truncated", "prose", "empty", "einsteinium");

    @BeforeAll
    static void start() throws Exception {
        Backend.initialise(new Backend.Options(Precision.FLOAT32, 1));
        model1 = TestModels.crystalformer(dir, "a.xtal", 1);
        model2 = TestModels.crystalformer(dir, "b.xtal", 2);
        spark = TestModels.spark(2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> input() {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("structure", DataTypes.StringType)
                .add("batch", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> e : ROWS.entrySet()) {
            rows.add(RowFactory.create(e.getKey(), e.getValue(), i++ % 3));
        }
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    /** The single-machine path on the good rows: id to predictions of each model. */
    static Map<String, List<Prediction>> singleMachine(List<Path> models) throws Exception {
        List<String> ids = new ArrayList<>();
        List<Structure> structures = new ArrayList<>();
        for (Map.Entry<String, String> e : ROWS.entrySet()) {
            if (!BAD.contains(e.getKey())) {
                ids.add(e.getKey());
                structures.add(StructureIO.parse(e.getValue(), e.getKey(), StructureIO.detect("", e.getValue()), null)
                        .get(0));
            }
        }
        Map<String, List<Prediction>> out = new HashMap<>();
        for (Path m : models) {
            try (Predictor p = Predictor.open(m)) {
                List<Prediction> preds = p.predict(structures, 64);
                for (int i = 0; i < ids.size(); i++) {
                    out.computeIfAbsent(ids.get(i), k -> new ArrayList<>()).add(preds.get(i));
                }
            }
        }
        return out;
    }

    static Map<String, Row> byId(Dataset<Row> d) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : d.collectAsList()) {
            m.put(r.getString(r.fieldIndex("id")), r);
        }
        return m;
    }

    @Test
    void onePredictsEachGoodRowAsTheSingleMachinePathAndGivesErrorsForTheRest() throws Exception {
        ScreenOptions o = ScreenOptions.builder().model(model1).batchSize(2).build();
        Dataset<Row> out = Screening.predict(input(), o);
        assertThat(out.columns()).containsExactly("id", "batch", "e_form", "gap", "error");
        Map<String, Row> rows = byId(out);
        assertThat(rows).hasSize(ROWS.size());
        Map<String, List<Prediction>> ref = singleMachine(List.of(model1));
        double worst = 0;
        for (String id : ref.keySet()) {
            Row r = rows.get(id);
            assertThat(r.isNullAt(r.fieldIndex("error"))).as(id + ": " + r).isTrue();
            double[] v = ref.get(id).get(0).values();
            worst = Math.max(worst, Math.abs(r.getDouble(r.fieldIndex("e_form")) - v[0]));
            worst = Math.max(worst, Math.abs(r.getDouble(r.fieldIndex("gap")) - v[1]));
        }
        assertThat(worst).as("worst |spark - single machine|").isLessThanOrEqualTo(1e-6);
        for (String id : BAD) {
            Row r = rows.get(id);
            assertThat(r.getString(r.fieldIndex("error"))).as(id).isNotBlank();
            assertThat(r.isNullAt(r.fieldIndex("e_form"))).isTrue();
        }
        assertThat(rows.get("empty").getString(rows.get("empty").fieldIndex("error"))).contains("empty");
        assertThat(rows.get("einsteinium").getString(rows.get("einsteinium").fieldIndex("error"))).contains("98");
        // three partitions, two task threads, one model load in this JVM for this file
        int before = ExecutorModels.loadedCount();
        Screening.predict(input(), o).count();
        assertThat(ExecutorModels.loadedCount()).isEqualTo(before);
    }

    @Test
    void anEnsembleGivesTheMeanAndSpreadOfItsModels() throws Exception {
        ScreenOptions o = ScreenOptions.builder().model(model1).model(model2).build();
        Dataset<Row> out = Screening.predict(input(), o);
        assertThat(out.columns()).containsExactly("id", "batch", "e_form", "e_form_std", "gap", "gap_std", "error");
        Map<String, Row> rows = byId(out);
        Map<String, List<Prediction>> ref = singleMachine(List.of(model1, model2));
        for (String id : ref.keySet()) {
            Ensemble.Result e = Ensemble.combine(ref.get(id));
            Row r = rows.get(id);
            double a = ref.get(id).get(0).values()[0];
            double b = ref.get(id).get(1).values()[0];
            assertThat(a).isNotEqualTo(b);   // two different models
            assertThat(r.getDouble(r.fieldIndex("e_form"))).isCloseTo((a + b) / 2, within(1e-6));
            assertThat(r.getDouble(r.fieldIndex("e_form_std"))).isCloseTo(Math.abs(a - b) / Math.sqrt(2), within(1e-6));
            assertThat(r.getDouble(r.fieldIndex("gap_std"))).isCloseTo(e.std()[1], within(1e-6));
        }
        assertThat(rows.get("prose").isNullAt(rows.get("prose").fieldIndex("e_form_std"))).isTrue();
    }

    @Test
    void featuresComeBeforePredictionAndCanFilterIt() {
        ScreenOptions o = ScreenOptions.builder().model(model1).build();
        Dataset<Row> f = Featurise.apply(input(), o, true);
        Map<String, Row> rows = byId(f);
        Row mgo = rows.get("mgo");
        assertThat(mgo.getInt(mgo.fieldIndex("n_sites"))).isEqualTo(8);
        assertThat(mgo.getInt(mgo.fieldIndex("primitive_n_sites"))).isEqualTo(2);
        assertThat(mgo.getString(mgo.fieldIndex("formula"))).isEqualTo("Mg4 O4");
        assertThat(mgo.getString(mgo.fieldIndex("reduced_formula"))).isEqualTo("MgO");
        assertThat(mgo.getString(mgo.fieldIndex("chemical_system"))).isEqualTo("Mg-O");
        assertThat(rows.get("cscl").getString(rows.get("cscl").fieldIndex("chemical_system"))).isEqualTo("Cl-Cs");
        assertThat(rows.get("prose").getString(rows.get("prose").fieldIndex("error"))).isNotBlank();
        assertThat(rows.get("einsteinium").isNullAt(rows.get("einsteinium").fieldIndex("error"))).isTrue();

        Dataset<Row> small = f.filter("error is not null or n_sites <= 2");
        Map<String, Row> out = byId(Screening.predict(small, o));
        assertThat(out).doesNotContainKey("mgo").containsKeys("nacl", "prose");
        // a featurisation error is carried over, not predicted again
        assertThat(out.get("prose").getString(out.get("prose").fieldIndex("error")))
                .isEqualTo(rows.get("prose").getString(rows.get("prose").fieldIndex("error")));
        assertThat(out.get("nacl").getString(out.get("nacl").fieldIndex("chemical_system"))).isEqualTo("Cl-Na");
    }

    @Test
    void topKKeepsTheBestOverallAndPerGroup() {
        ScreenOptions o = ScreenOptions.builder().model(model1).build();
        Dataset<Row> pred = Screening.predict(Featurise.apply(input(), o, false), o).cache();
        List<Row> good = new ArrayList<>(pred.filter("error is null").collectAsList());
        good.sort(Comparator.comparingDouble(r -> r.getDouble(r.fieldIndex("e_form"))));
        List<String> best = TopK.best(pred, "e_form", 2, false, null, "id").collectAsList().stream()
                .map(r -> r.getString(r.fieldIndex("id"))).toList();
        assertThat(best).containsExactly(good.get(0).getString(0), good.get(1).getString(0));
        List<String> highest = TopK.best(pred, "gap", 1, true, null, "id").collectAsList().stream()
                .map(r -> r.getString(r.fieldIndex("id"))).toList();
        Row maxGap = good.stream().max(Comparator.comparingDouble(r -> r.getDouble(r.fieldIndex("gap")))).get();
        assertThat(highest).containsExactly(maxGap.getString(0));

        // per chemical system: nacl and nacl2 share Cl-Na, only the lower one is kept
        Map<String, Row> perSystem = byId(TopK.best(pred, "e_form", 1, false, "chemical_system", "id"));
        assertThat(perSystem.keySet()).containsExactlyInAnyOrder("kbr", "mgo", "cscl",
                lower(good, "nacl", "nacl2"));
        assertThat(perSystem.values()).allSatisfy(r -> assertThat(r.getInt(r.fieldIndex("rank"))).isEqualTo(1));
        pred.unpersist();
    }

    private static String lower(List<Row> rows, String a, String b) {
        double va = 0;
        double vb = 0;
        for (Row r : rows) {
            if (r.getString(0).equals(a)) {
                va = r.getDouble(r.fieldIndex("e_form"));
            } else if (r.getString(0).equals(b)) {
                vb = r.getDouble(r.fieldIndex("e_form"));
            }
        }
        assertThat(va).isNotEqualTo(vb);
        return va < vb ? a : b;
    }
}
