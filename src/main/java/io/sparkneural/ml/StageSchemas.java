package io.sparkneural.ml;

import io.sparkneural.data.FeatureColumn;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * Schema rules the four stages share where they differ from Spark's Predictor: features may be arrays and
 * sequences as well as Vectors, and a network that predicts at every timestep takes and gives arrays.
 */
final class StageSchemas {
    private StageSchemas() {}

    /**
     * Checks the features column against the forms this library reads, and returns its actual type, so that
     * Spark's own check (which compares with one expected type) passes for every accepted form.
     */
    static DataType featuresType(StructType schema, String featuresCol) {
        FeatureColumn.of(schema, featuresCol);
        return schema.apply(featuresCol).dataType();
    }

    /** Whether the label column holds one label per timestep (array<double> or array<float>). */
    static boolean perStepLabel(StructType schema, String labelCol) {
        return List.of(schema.fieldNames()).contains(labelCol)
                && FeatureColumn.isRealArray(schema.apply(labelCol).dataType());
    }

    /**
     * The output schema of a per-timestep network: {@code predictionCol} as array<double>, and each of
     * {@code vectorCols} (rawPrediction, probability) as an array of vectors; empty names are skipped.
     */
    static StructType perStepOutput(StructType schema, String predictionCol, String... vectorCols) {
        StructType out = schema;
        for (String name : vectorCols) out = append(out, name, new ArrayType(SQLDataTypes.VectorType(), false));
        return append(out, predictionCol, new ArrayType(DataTypes.DoubleType, false));
    }

    private static StructType append(StructType schema, String name, DataType type) {
        if (name.isEmpty()) return schema;
        if (List.of(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("Output column " + name + " already exists.");
        }
        return schema.add(name, type, false);
    }
}
