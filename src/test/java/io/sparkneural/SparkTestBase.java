package io.sparkneural;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** One local[2] SparkSession per test class, and small generated datasets. */
public abstract class SparkTestBase {
    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("spark-neural-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) spark.stop();
        spark = null;
    }

    protected static final StructType FEATURES_LABEL = new StructType(new StructField[]{
            new StructField("features", new VectorUDT(), true, Metadata.empty()),
            new StructField("label", DataTypes.DoubleType, true, Metadata.empty())});

    /** A (features, label) DataFrame from rows given as {label, x1, x2, ...}. */
    protected static Dataset<Row> frame(double[][] rows, int partitions) {
        List<Row> list = new ArrayList<>();
        for (double[] r : rows) {
            double[] x = new double[r.length - 1];
            System.arraycopy(r, 1, x, 0, x.length);
            list.add(RowFactory.create(Vectors.dense(x), r[0]));
        }
        return spark.createDataFrame(list, FEATURES_LABEL).repartition(partitions);
    }

    /** A DataFrame with the FEATURES_LABEL schema from raw values (nulls allowed). */
    protected static Dataset<Row> rows(Object[]... rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) list.add(RowFactory.create(r));
        return spark.createDataFrame(list, FEATURES_LABEL);
    }

    protected static Vector vec(double... values) {
        return Vectors.dense(values);
    }

    /** The four XOR points, each repeated {@code copies} times. */
    protected static double[][] xor(int copies) {
        double[][] base = {{0, 0, 0}, {1, 0, 1}, {1, 1, 0}, {0, 1, 1}};
        double[][] out = new double[base.length * copies][];
        for (int i = 0; i < out.length; i++) out[i] = base[i % base.length];
        return out;
    }

    /**
     * {@code classes} Gaussian blobs in {@code dims} dimensions (centres 3 apart), labels 0..classes-1, with a
     * seeded generator: a task a small network learns to ~98% in a few epochs.
     */
    protected static double[][] blobs(int n, int classes, int dims, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[classes][dims];
        Random c = new Random(7);
        for (double[] centre : centres) for (int d = 0; d < dims; d++) centre[d] = c.nextGaussian() * 3;
        double[][] out = new double[n][dims + 1];
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(classes);
            out[i][0] = k;
            for (int d = 0; d < dims; d++) out[i][d + 1] = centres[k][d] + r.nextGaussian();
        }
        return out;
    }
}
