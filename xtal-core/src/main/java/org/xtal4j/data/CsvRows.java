package org.xtal4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the data rows of a (possibly compressed) CSV file as pending records, numbering them from 1
 * after an optional header line. Shared by the CSV-table and id_prop sources.
 */
final class CsvRows {

    /** RFC 4180: quoted fields may span lines, as the CIF strings of CDVAE/MEGNet tables do. */
    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().build();

    /** Turns one CSV row (1-based data row number) into a pending record. */
    interface RowMapper {
        PendingRecord map(int row, CSVRecord record);
    }

    private CsvRows() {
    }

    /**
     * Opens the file; {@code name} prefixes every error. Syntax errors met while streaming end the
     * iteration with a {@link DatasetException} naming the last good data row.
     */
    static CloseableIterator<PendingRecord> open(Path file, String name, boolean skipHeader, RowMapper mapper) {
        BufferedReader reader;
        CSVParser parser;
        try {
            reader = Compression.reader(file);
            parser = FORMAT.parse(reader);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage(), e);
        }
        Iterator<CSVRecord> rows = parser.iterator();
        return new CloseableIterator<>() {
            private int row; // data rows after the header, 1-based
            private boolean started;

            @Override
            public boolean hasNext() {
                try {
                    if (!started) {
                        started = true;
                        if (skipHeader && rows.hasNext()) {
                            rows.next();
                        }
                    }
                    return rows.hasNext();
                } catch (UncheckedIOException | IllegalStateException e) {
                    close();
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    throw new DatasetException(name + ": not valid CSV after data row " + row + ": " + c.getMessage(), e);
                }
            }

            @Override
            public PendingRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return mapper.map(++row, rows.next());
            }

            @Override
            public void close() {
                try {
                    parser.close();
                    reader.close();
                } catch (IOException e) {
                    // reading only: a failed close loses nothing
                }
            }
        };
    }
}
