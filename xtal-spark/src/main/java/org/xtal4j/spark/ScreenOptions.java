package org.xtal4j.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a screening job needs on the executors: model files, input columns and inference settings.
 * Serialisable: it travels inside the Spark closures.
 */
public final class ScreenOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Structure columns tried, in order, when none is named. */
    public static final List<String> STRUCTURE_COLUMNS = List.of("structure", "cif", "poscar", "structure_json");

    private final List<String> models;
    private final String idColumn;
    private final String structureColumn;
    private final String structureFormat;
    private final int batchSize;
    private final String precision;
    private final int threadsPerTask;

    private ScreenOptions(Builder b) {
        this.models = List.copyOf(b.models);
        this.idColumn = b.idColumn;
        this.structureColumn = b.structureColumn;
        this.structureFormat = b.structureFormat;
        this.batchSize = b.batchSize;
        this.precision = b.precision;
        this.threadsPerTask = b.threadsPerTask;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.models.addAll(models);
        b.idColumn = idColumn;
        b.structureColumn = structureColumn;
        b.structureFormat = structureFormat;
        b.batchSize = batchSize;
        b.precision = precision;
        b.threadsPerTask = threadsPerTask;
        return b;
    }

    /** Model files as given on the driver (absolute paths). */
    public List<String> models() {
        return models;
    }

    public String idColumn() {
        return idColumn;
    }

    /** The structure column, or empty to pick the first of {@link #STRUCTURE_COLUMNS} the input has. */
    public Optional<String> structureColumn() {
        return Optional.ofNullable(structureColumn);
    }

    /** cif, poscar or json; empty to recognise each row's text by its content. */
    public Optional<String> structureFormat() {
        return Optional.ofNullable(structureFormat);
    }

    /** Structures per forward pass (and per chunk of a partition). */
    public int batchSize() {
        return batchSize;
    }

    public String precision() {
        return precision;
    }

    /** PyTorch intra-op threads per executor JVM; Spark's task slots supply the rest of the parallelism. */
    public int threadsPerTask() {
        return threadsPerTask;
    }

    /** Builder; defaults: id column "id", batch size 64, float32, one thread. */
    public static final class Builder {
        private final List<String> models = new ArrayList<>();
        private String idColumn = "id";
        private String structureColumn;
        private String structureFormat;
        private int batchSize = 64;
        private String precision = "float32";
        private int threadsPerTask = 1;

        public Builder model(Path file) {
            models.add(file.toAbsolutePath().normalize().toString());
            return this;
        }

        public Builder models(List<Path> files) {
            files.forEach(this::model);
            return this;
        }

        public Builder idColumn(String c) {
            this.idColumn = c;
            return this;
        }

        public Builder structureColumn(String c) {
            this.structureColumn = c;
            return this;
        }

        public Builder structureFormat(String f) {
            this.structureFormat = f;
            return this;
        }

        public Builder batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, not " + n);
            }
            this.batchSize = n;
            return this;
        }

        public Builder precision(String p) {
            this.precision = p;
            return this;
        }

        public Builder threadsPerTask(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads per task must be at least 1, not " + n);
            }
            this.threadsPerTask = n;
            return this;
        }

        public ScreenOptions build() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("no model file: give at least one");
            }
            return new ScreenOptions(this);
        }
    }
}
