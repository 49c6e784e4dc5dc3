/**
 * Labelled structure data sets for training and benchmarks.
 *
 * <ul>
 * <li>{@link org.xtal4j.data.DatasetLoader} opens a CSV table with a structure-text column (CIF, POSCAR
 *     or pymatgen JSON; plain, .gz, .xz), a CGCNN/ALIGNN {@code id_prop.csv} folder, an extended-XYZ file
 *     or a Matbench / MEGNet JSON table; {@link org.xtal4j.data.LoadOptions} names columns and targets.</li>
 * <li>{@link org.xtal4j.data.Dataset} streams {@link org.xtal4j.data.Record}s (id, structure, numeric
 *     targets with NaN for missing values, extra text columns) in file order, parsing structures on a
 *     bounded thread pool; rows that fail are skipped and listed as {@link org.xtal4j.data.RecordError}s
 *     (or thrown in strict mode).</li>
 * <li>{@link org.xtal4j.data.Split} assigns records to parts by a column, by id lists or by seeded random
 *     fractions that do not depend on row order or thread count; a {@link org.xtal4j.data.SplitAssignment}
 *     gives each part as a filtered data set and writes id lists.</li>
 * </ul>
 *
 * Files are read in place; nothing is cached on disk.
 */
package org.xtal4j.data;
