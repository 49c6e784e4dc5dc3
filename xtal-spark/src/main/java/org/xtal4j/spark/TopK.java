package org.xtal4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The best N rows by a predicted column, over all rows or per group (e.g. per chemical system), without
 * bringing the table to the driver. Rows with an error or no value are never among the best.
 *
 * <p>Overall: {@code orderBy(..).limit(N)}, which Spark runs as a per-partition top N merged on the driver
 * (TakeOrderedAndProject: the driver sees N rows per partition). Per group: {@code row_number()} over a
 * window partitioned by the group with a filter on it, which Spark 3.5 cuts to N rows per group and
 * partition before the shuffle (WindowGroupLimit).
 */
public final class TopK {

    /** Rank within the group (1 = best), added in per-group mode. */
    public static final String RANK = "rank";

    private TopK() {
    }

    /**
     * @param by         the column to rank on (a target)
     * @param n          how many to keep (overall or per group)
     * @param descending highest first (default lowest first, e.g. formation energy)
     * @param group      group column (e.g. chemical_system), or null for the overall best
     * @param id         id column, the tie-breaker, so that the result does not depend on partitioning
     */
    public static Dataset<Row> best(Dataset<Row> predictions, String by, int n, boolean descending, String group,
                                    String id) {
        if (n < 1) {
            throw new IllegalArgumentException("top N must be at least 1, not " + n);
        }
        Columns.require(predictions.schema(), by, "ranking");
        Dataset<Row> ok = predictions.filter(col(Columns.ERROR).isNull().and(col(by).isNotNull()));
        Column order = descending ? col(by).desc() : col(by).asc();
        if (group == null) {
            return ok.orderBy(order, col(id).asc()).limit(n);
        }
        Columns.require(predictions.schema(), group, "group");
        return ok.withColumn(RANK, row_number().over(Window.partitionBy(col(group)).orderBy(order, col(id).asc())))
                .filter(col(RANK).leq(n));
    }
}
