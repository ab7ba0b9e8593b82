package io.sparkneural.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * One distributed pass that finds the first bad row before any training starts: null or non-finite feature
 * vectors, vectors of differing size, and invalid labels. Each partition returns a few numbers, never its
 * rows; the driver turns partition offsets into DataFrame row numbers for the message.
 */
public final class DataChecks {
    private DataChecks() {}

    /**
     * What the data holds, once it has passed.
     *
     * @param rows         row count
     * @param numFeatures  size of every feature vector
     * @param maxLabel     largest label (NaN for real-valued labels)
     * @param featureMeans mean of each feature
     * @param featureStds  standard deviation of each feature
     */
    public record Summary(long rows, int numFeatures, double maxLabel, double[] featureMeans, double[] featureStds) {

        /** Indices of features whose mean or standard deviation exceeds {@code limit} in absolute value. */
        public List<Integer> unscaledFeatures(double limit) {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < numFeatures; j++) {
                if (Math.abs(featureMeans[j]) > limit || featureStds[j] > limit) out.add(j);
            }
            return out;
        }
    }

    /**
     * @param labelCol null for unlabeled data (transform time)
     * @throws IllegalArgumentException naming the column, the row and what was expected
     */
    public static Summary check(Dataset<?> data, String featuresCol, String labelCol, LabelRule rule) {
        Dataset<Row> selected = labelCol == null ? data.select(col(featuresCol)) : data.select(col(featuresCol), col(labelCol));
        JavaRDD<PartitionScan> scans = selected.toJavaRDD().mapPartitionsWithIndex(
                (index, rows) -> Collections.singletonList(PartitionScan.scan(rows, featuresCol, labelCol, rule)).iterator(),
                false);
        List<PartitionScan> parts = new ArrayList<>(scans.collect());
        long before = 0;
        long rows = 0;
        int size = -1;
        long sizeRow = -1;
        double maxLabel = Double.NaN;
        double[] sum = null;
        double[] sumSq = null;
        for (PartitionScan p : parts) {
            if (p.problem != null) {
                throw new IllegalArgumentException(p.problem.replace("{row}", "row " + (before + p.problemOffset)));
            }
            if (p.count > 0) {
                if (size < 0) {
                    size = p.firstSize;
                    sizeRow = before;
                } else if (p.firstSize != size) {
                    throw new IllegalArgumentException("Column " + featuresCol + " has vectors of size " + size + " at row "
                            + sizeRow + " but of size " + p.firstSize + " at row " + before
                            + "; all feature vectors must have the same size");
                }
                if (sum == null) {
                    sum = p.sum;
                    sumSq = p.sumSq;
                } else {
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += p.sum[j];
                        sumSq[j] += p.sumSq[j];
                    }
                }
                if (!Double.isNaN(p.maxLabel)) maxLabel = Double.isNaN(maxLabel) ? p.maxLabel : Math.max(maxLabel, p.maxLabel);
            }
            before += p.count;
            rows += p.count;
        }
        if (rows == 0) {
            throw new IllegalArgumentException("The dataset is empty: column " + featuresCol
                    + " has no rows; training needs at least one row");
        }
        double[] mean = new double[size];
        double[] std = new double[size];
        for (int j = 0; j < size; j++) {
            mean[j] = sum[j] / rows;
            std[j] = Math.sqrt(Math.max(0, sumSq[j] / rows - mean[j] * mean[j]));
        }
        return new Summary(rows, size, maxLabel, mean, std);
    }

    /** Checks that {@code v} has the expected size; message names the column and where the row is. */
    public static void requireSize(Vector v, int expected, String column, String where) {
        if (v == null) {
            throw new IllegalArgumentException("Column " + column + " has a null vector at " + where
                    + "; the model expects vectors of size " + expected);
        }
        if (v.size() != expected) {
            throw new IllegalArgumentException("Column " + column + " has a vector of size " + v.size() + " at " + where
                    + ", but the model was trained on " + expected + " features");
        }
    }

    /** The facts one partition reports. */
    static final class PartitionScan implements Serializable {
        long count;
        int firstSize = -1;
        double maxLabel = Double.NaN;
        String problem;
        long problemOffset;
        double[] sum;
        double[] sumSq;

        static PartitionScan scan(Iterator<Row> rows, String featuresCol, String labelCol, LabelRule rule) {
            PartitionScan s = new PartitionScan();
            long firstSizeOffset = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                long offset = s.count++;
                Vector v = r.isNullAt(0) ? null : (Vector) r.get(0);
                if (v == null) {
                    return s.fail(offset, "Column " + featuresCol + " has a null vector at {row}; drop or impute such rows "
                            + "before fitting (e.g. df.na.drop())");
                }
                if (s.firstSize < 0) {
                    s.firstSize = v.size();
                    s.sum = new double[v.size()];
                    s.sumSq = new double[v.size()];
                    firstSizeOffset = offset;
                } else if (v.size() != s.firstSize) {
                    return s.fail(offset, "Column " + featuresCol + " has vectors of size " + s.firstSize + " and of size "
                            + v.size() + " (at {row}, " + (offset - firstSizeOffset) + " rows after the first one of "
                            + "its partition); all feature vectors must have the same size");
                }
                int bad = FeatureRows.firstNonFinite(v);
                if (bad >= 0) {
                    return s.fail(offset, "Column " + featuresCol + " has " + v.apply(bad) + " at {row}, index " + bad
                            + "; neural networks cannot train on NaN or infinite values: impute or drop them first "
                            + "(e.g. Imputer)");
                }
                FeatureRows.accumulate(v, s.sum, s.sumSq);
                if (labelCol != null) {
                    Double y = r.isNullAt(1) ? null : ((Number) r.get(1)).doubleValue();
                    String problem = rule.problem(y, labelCol);
                    if (problem != null) return s.fail(offset, problem);
                    if (rule.classIndices()) s.maxLabel = Double.isNaN(s.maxLabel) ? y : Math.max(s.maxLabel, y);
                }
            }
            return s;
        }

        private PartitionScan fail(long offset, String message) {
            problem = message;
            problemOffset = offset;
            return this;
        }
    }
}
