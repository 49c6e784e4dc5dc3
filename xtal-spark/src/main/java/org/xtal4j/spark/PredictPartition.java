package org.xtal4j.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.xtal4j.nn.predict.Ensemble;
import org.xtal4j.nn.predict.Prediction;
import org.xtal4j.nn.predict.Predictor;
import org.xtal4j.structure.Structure;

/**
 * Predicts one partition in chunks of {@code batchSize} rows: the chunk's structures are parsed, then each
 * model predicts them as one batch (the single-machine path, {@link Predictor#predict}), so a partition
 * runs at the batched speed. Rows stream through: a partition is never held in memory whole.
 */
final class PredictPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ScreenOptions options;
    private final int structureIndex;
    private final int idIndex;
    private final int errorIndex;
    private final int[] kept;
    private final int targets;
    private final boolean ensemble;

    PredictPartition(ScreenOptions options, int structureIndex, int idIndex, int errorIndex, int[] kept, int targets,
                     boolean ensemble) {
        this.options = options;
        this.structureIndex = structureIndex;
        this.idIndex = idIndex;
        this.errorIndex = errorIndex;
        this.kept = kept;
        this.targets = targets;
        this.ensemble = ensemble;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        List<Predictor> models = ExecutorModels.get(options);
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && rows.hasNext()) {
                    List<Row> chunk = new ArrayList<>(options.batchSize());
                    while (chunk.size() < options.batchSize() && rows.hasNext()) {
                        chunk.add(rows.next());
                    }
                    ready.addAll(chunk(chunk, models));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private List<Row> chunk(List<Row> rows, List<Predictor> models) {
        String[] errors = new String[rows.size()];
        List<Structure> structures = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            errors[i] = errorIndex >= 0 ? r.getString(errorIndex) : null;
            if (errors[i] != null) {
                continue;
            }
            try {
                Object id = r.get(idIndex);
                if (id == null) {
                    throw new IllegalArgumentException("the id cell is empty");
                }
                structures.add(StructureText.parse(r.getString(structureIndex), id.toString(),
                        options.structureFormat().orElse(null)));
                where.add(i);
            } catch (RuntimeException | StackOverflowError e) {
                errors[i] = StructureText.describe(e);
            }
        }
        List<List<Prediction>> perModel = new ArrayList<>();
        for (Predictor p : models) {
            perModel.add(p.predict(structures, options.batchSize()));
        }
        Ensemble.Result[] results = new Ensemble.Result[rows.size()];
        for (int k = 0; k < structures.size(); k++) {
            List<Prediction> one = new ArrayList<>(models.size());
            for (List<Prediction> m : perModel) {
                one.add(m.get(k));
            }
            Ensemble.Result r = Ensemble.combine(one);
            int i = where.get(k);
            results[i] = r;
            errors[i] = r.error();
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Object[] v = new Object[kept.length + targets * (ensemble ? 2 : 1) + 1];
            int c = 0;
            for (int k : kept) {
                v[c++] = r.get(k);
            }
            Ensemble.Result res = results[i];
            for (int t = 0; t < targets; t++) {
                boolean ok = res != null && res.ok();
                v[c++] = ok ? res.mean()[t] : null;
                if (ensemble) {
                    v[c++] = ok ? res.std()[t] : null;
                }
            }
            v[c] = errors[i];
            out.add(RowFactory.create(v));
        }
        return out;
    }
}
