package io.sparkneural.data;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.List;

/**
 * The forms a features column may take, read alike by the data checks, the minibatch converter and inference:
 * a Spark ML Vector (VectorAssembler's output), a flat {@code array<double>}/{@code array<float>}, or a sequence
 * {@code array<array<double>>} of one feature array per timestep. Every form is read as a flat vector
 * (sequences time-major), so shapes, layouts and statistics are handled once.
 */
public final class FeatureColumn implements Serializable {
    /** How the column stores one example. */
    public enum Kind { VECTOR, ARRAY, SEQUENCE }

    /** What users may give, for messages. */
    public static final String EXPECTED = "a Vector (e.g. VectorAssembler's output), array<double> or array<float> "
            + "(flat values), or array<array<double>> (a sequence: one array of features per timestep)";

    /**
     * One example. {@code steps} is the number of timesteps of a sequence column and -1 for the other forms.
     */
    public record Cell(Vector values, int steps) {
        /** Features per timestep of a sequence cell. */
        public int width() {
            return steps > 0 ? values.size() / steps : values.size();
        }
    }

    /** A malformed cell; its message has "{row}" where the caller's row description belongs. */
    public static final class BadCell extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadCell(String message) {
            super(message);
        }

        /** The message with the row filled in. */
        public String at(String where) {
            return getMessage().replace("{row}", where);
        }
    }

    private final String name;
    private final Kind kind;

    private FeatureColumn(String name, Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    /**
     * @throws IllegalArgumentException naming the column, its type and the accepted ones
     */
    public static FeatureColumn of(StructType schema, String name) {
        if (!List.of(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("featuresCol " + name + " does not exist. Available: "
                    + String.join(", ", schema.fieldNames()));
        }
        DataType type = schema.apply(name).dataType();
        Kind kind = kindOf(type);
        if (kind == null) {
            throw new IllegalArgumentException("Column " + name + " (featuresCol) must be " + EXPECTED + ", but was "
                    + "actually " + type.simpleString());
        }
        return new FeatureColumn(name, kind);
    }

    /** The kind for a column type, or null when the type cannot hold features. */
    public static Kind kindOf(DataType type) {
        if (type instanceof VectorUDT) return Kind.VECTOR;
        if (type instanceof ArrayType a) {
            if (isReal(a.elementType())) return Kind.ARRAY;
            if (a.elementType() instanceof ArrayType inner && isReal(inner.elementType())) return Kind.SEQUENCE;
        }
        return null;
    }

    /** True for array<double>/array<float> and their nested forms: the type of a per-timestep label column. */
    public static boolean isRealArray(DataType type) {
        return type instanceof ArrayType a && isReal(a.elementType());
    }

    private static boolean isReal(DataType t) {
        return t instanceof DoubleType || t instanceof FloatType;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Reads field {@code i} of {@code row}.
     *
     * @return null for a null cell
     * @throws BadCell for null elements, empty sequences, or timesteps of differing width
     */
    public Cell read(Row row, int i) {
        if (row.isNullAt(i)) return null;
        return switch (kind) {
            case VECTOR -> new Cell((Vector) row.get(i), -1);
            case ARRAY -> new Cell(Vectors.dense(flat(row.getList(i), -1)), -1);
            case SEQUENCE -> sequence(row.getList(i));
        };
    }

    private double[] flat(List<Object> values, int step) {
        double[] out = new double[values.size()];
        for (int k = 0; k < out.length; k++) {
            Object v = values.get(k);
            if (v == null) {
                throw new BadCell("Column " + name + " has a null value at {row}, " + (step >= 0 ? "timestep " + step + ", " : "")
                        + "index " + k + "; drop or impute such rows before fitting");
            }
            out[k] = ((Number) v).doubleValue();
        }
        return out;
    }

    private Cell sequence(List<Object> steps) {
        if (steps.isEmpty()) {
            throw new BadCell("Column " + name + " has an empty sequence at {row}; every sequence needs at least one timestep");
        }
        int width = -1;
        double[] out = null;
        for (int t = 0; t < steps.size(); t++) {
            List<Object> step = asList(steps.get(t));
            if (step == null) {
                throw new BadCell("Column " + name + " has a null timestep at {row}, timestep " + t);
            }
            if (width < 0) {
                width = step.size();
                if (width == 0) {
                    throw new BadCell("Column " + name + " has a timestep with no features at {row}, timestep 0");
                }
                out = new double[steps.size() * width];
            } else if (step.size() != width) {
                throw new BadCell("Column " + name + " has " + width + " features at timestep 0 but " + step.size()
                        + " at timestep " + t + " of {row}; every timestep needs the same number of features");
            }
            System.arraycopy(flat(step, t), 0, out, t * width, width);
        }
        return new Cell(Vectors.dense(out), steps.size());
    }

    /** Spark hands nested arrays over as Scala sequences. */
    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object value) {
        if (value == null || value instanceof List) return (List<Object>) value;
        return scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) value);
    }

    /**
     * Reads a per-timestep label array (array<double>).
     *
     * @return null for a null cell
     */
    public static double[] labelSteps(Row row, int i, String column) {
        if (row.isNullAt(i)) return null;
        List<Object> values = row.getList(i);
        double[] out = new double[values.size()];
        for (int k = 0; k < out.length; k++) {
            Object v = values.get(k);
            out[k] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        return out;
    }
}
