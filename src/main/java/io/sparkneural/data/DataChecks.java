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
     * @param rows          row count
     * @param numFeatures   values per example; for a sequence column, features per timestep
     * @param maxLabel      largest label (NaN for real-valued labels)
     * @param featureMeans  mean of each feature (per timestep feature for sequences)
     * @param featureStds   standard deviation of each feature
     * @param minSteps      fewest timesteps of a sequence column's rows (0 for other columns)
     * @param maxSteps      most timesteps of a sequence column's rows (0 for other columns)
     * @param labelSteps    length of every per-timestep label array when the features are not a sequence column
     *                      (0 when labels are single values or follow each row's sequence)
     */
    public record Summary(long rows, int numFeatures, double maxLabel, double[] featureMeans, double[] featureStds,
                          int minSteps, int maxSteps, int labelSteps) {

        /** Whether the features column holds sequences (array<array<double>>). */
        public boolean sequences() {
            return maxSteps > 0;
        }

        /** Indices of features whose mean or standard deviation exceeds {@code limit} in absolute value. */
        public List<Integer> unscaledFeatures(double limit) {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < featureMeans.length; j++) {
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
        FeatureColumn features = FeatureColumn.of(data.schema(), featuresCol);
        boolean labelPerStep = labelCol != null && FeatureColumn.isRealArray(data.schema().apply(labelCol).dataType());
        Dataset<Row> selected = labelCol == null ? data.select(col(featuresCol)) : data.select(col(featuresCol), col(labelCol));
        JavaRDD<PartitionScan> scans = selected.toJavaRDD().mapPartitionsWithIndex(
                (index, rows) -> Collections.singletonList(
                        PartitionScan.scan(rows, features, labelCol, labelPerStep, rule)).iterator(), false);
        List<PartitionScan> parts = new ArrayList<>(scans.collect());
        long before = 0;
        long rows = 0;
        int size = -1;
        long sizeRow = -1;
        double maxLabel = Double.NaN;
        double[] sum = null;
        double[] sumSq = null;
        long observations = 0;
        int minSteps = Integer.MAX_VALUE;
        int maxSteps = 0;
        int labelSteps = -1;
        long labelStepsRow = -1;
        for (PartitionScan p : parts) {
            if (p.problem != null) {
                throw new IllegalArgumentException(p.problem.replace("{row}", "row " + (before + p.problemOffset)));
            }
            if (p.count > 0) {
                if (size < 0) {
                    size = p.firstSize;
                    sizeRow = before;
                } else if (p.firstSize != size) {
                    throw new IllegalArgumentException(features.kind() == FeatureColumn.Kind.SEQUENCE
                            ? "Column " + featuresCol + " has " + size + " features per timestep at row " + sizeRow
                            + " but " + p.firstSize + " at row " + before + "; every timestep needs the same number of features"
                            : "Column " + featuresCol + " has vectors of size " + size + " at row " + sizeRow
                            + " but of size " + p.firstSize + " at row " + before
                            + "; all feature vectors must have the same size");
                }
                if (p.labelSteps >= 0) {
                    if (labelSteps < 0) {
                        labelSteps = p.labelSteps;
                        labelStepsRow = before;
                    } else if (p.labelSteps != labelSteps) {
                        throw new IllegalArgumentException("Column " + labelCol + " has " + labelSteps + " labels at row "
                                + labelStepsRow + " but " + p.labelSteps + " at row " + before + "; every row needs one "
                                + "label per timestep");
                    }
                }
                observations += p.observations;
                minSteps = Math.min(minSteps, p.minSteps);
                maxSteps = Math.max(maxSteps, p.maxSteps);
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
            mean[j] = sum[j] / observations;
            std[j] = Math.sqrt(Math.max(0, sumSq[j] / observations - mean[j] * mean[j]));
        }
        return new Summary(rows, size, maxLabel, mean, std, maxSteps == 0 ? 0 : minSteps, maxSteps, Math.max(0, labelSteps));
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
        long observations;
        int minSteps = Integer.MAX_VALUE;
        int maxSteps;
        int labelSteps = -1;
        int firstSize = -1;
        double maxLabel = Double.NaN;
        String problem;
        long problemOffset;
        double[] sum;
        double[] sumSq;

        static PartitionScan scan(Iterator<Row> rows, FeatureColumn features, String labelCol, boolean labelPerStep,
                                  LabelRule rule) {
            PartitionScan s = new PartitionScan();
            String featuresCol = features.name();
            long firstSizeOffset = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                long offset = s.count++;
                FeatureColumn.Cell cell;
                try {
                    cell = features.read(r, 0);
                } catch (FeatureColumn.BadCell e) {
                    return s.fail(offset, e.getMessage());
                }
                if (cell == null) {
                    return s.fail(offset, "Column " + featuresCol + " has a null " + (features.kind() == FeatureColumn.Kind.VECTOR
                            ? "vector" : "value") + " at {row}; drop or impute such rows before fitting (e.g. df.na.drop())");
                }
                Vector v = cell.values();
                int size = cell.width();
                if (s.firstSize < 0) {
                    s.firstSize = size;
                    s.sum = new double[size];
                    s.sumSq = new double[size];
                    firstSizeOffset = offset;
                } else if (size != s.firstSize) {
                    return s.fail(offset, cell.steps() > 0
                            ? "Column " + featuresCol + " has " + s.firstSize + " features per timestep and " + size
                            + " (at {row}, " + (offset - firstSizeOffset) + " rows after the first one of its partition); "
                            + "every timestep needs the same number of features"
                            : "Column " + featuresCol + " has vectors of size " + s.firstSize + " and of size "
                            + v.size() + " (at {row}, " + (offset - firstSizeOffset) + " rows after the first one of "
                            + "its partition); all feature vectors must have the same size");
                }
                int bad = FeatureRows.firstNonFinite(v);
                if (bad >= 0) {
                    return s.fail(offset, "Column " + featuresCol + " has " + v.apply(bad) + " at {row}, "
                            + (cell.steps() > 0 ? "timestep " + bad / size + ", feature " + bad % size : "index " + bad)
                            + "; neural networks cannot train on NaN or infinite values: impute or drop them first "
                            + "(e.g. Imputer)");
                }
                if (cell.steps() > 0) {
                    FeatureRows.accumulateSteps(v, size, s.sum, s.sumSq);
                    s.observations += cell.steps();
                    s.minSteps = Math.min(s.minSteps, cell.steps());
                    s.maxSteps = Math.max(s.maxSteps, cell.steps());
                } else {
                    FeatureRows.accumulate(v, s.sum, s.sumSq);
                    s.observations++;
                }
                if (labelCol == null) continue;
                String problem = labelPerStep ? s.labelStepsProblem(r, labelCol, cell.steps(), rule)
                        : s.labelProblem(r.isNullAt(1) ? null : ((Number) r.get(1)).doubleValue(), labelCol, rule, "");
                if (problem != null) return s.fail(offset, problem);
            }
            return s;
        }

        private String labelProblem(Double y, String labelCol, LabelRule rule, String where) {
            String problem = rule.problem(y, labelCol);
            if (problem != null) return problem.replace("{row}", "{row}" + where);
            if (rule.classIndices()) maxLabel = Double.isNaN(maxLabel) ? y : Math.max(maxLabel, y);
            return null;
        }

        /** One label per timestep: as many as the row's sequence has, or the same count in every row. */
        private String labelStepsProblem(Row r, String labelCol, int featureSteps, LabelRule rule) {
            double[] ys = FeatureColumn.labelSteps(r, 1, labelCol);
            if (ys == null) {
                return "Column " + labelCol + " has a null label array at {row}; drop or fill such rows before fitting";
            }
            if (featureSteps > 0 && ys.length != featureSteps) {
                return "Column " + labelCol + " has " + ys.length + " labels at {row}, but its sequence has "
                        + featureSteps + " timesteps; give one label per timestep";
            }
            if (featureSteps < 0) {
                if (labelSteps < 0) {
                    labelSteps = ys.length;
                } else if (ys.length != labelSteps) {
                    return "Column " + labelCol + " has " + labelSteps + " labels in earlier rows but " + ys.length
                            + " at {row}; every row needs one label per timestep";
                }
            }
            for (int t = 0; t < ys.length; t++) {
                String problem = labelProblem(Double.isNaN(ys[t]) && !rule.classIndices() ? null : ys[t], labelCol, rule,
                        ", timestep " + t);
                if (problem != null) return problem;
            }
            return null;
        }

        private PartitionScan fail(long offset, String message) {
            problem = message;
            problemOffset = offset;
            return this;
        }
    }
}
