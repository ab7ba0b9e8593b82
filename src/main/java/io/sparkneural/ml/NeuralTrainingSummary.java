package io.sparkneural.ml;

import io.sparkneural.train.EpochRecord;
import io.sparkneural.train.TrainingSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a model was trained: the per-epoch history as a DataFrame, early stopping's outcome, warnings and
 * provenance. Saved with the model.
 */
public final class NeuralTrainingSummary implements Serializable {
    private final TrainingSummary summary;

    NeuralTrainingSummary(TrainingSummary summary) {
        this.summary = summary;
    }

    /**
     * One row per epoch run: epoch, then each metric computed (loss, accuracy or rmse/mae, and their val_
     * counterparts), learning_rate, seconds and samples_per_second.
     */
    public Dataset<Row> history() {
        Set<String> metrics = new LinkedHashSet<>();
        for (EpochRecord r : summary.history()) metrics.addAll(r.metrics().keySet());
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("epoch", DataTypes.IntegerType, false));
        for (String m : metrics) fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("learning_rate", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("seconds", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("samples_per_second", DataTypes.DoubleType, false));
        List<Row> rows = new ArrayList<>();
        for (EpochRecord r : summary.history()) {
            List<Object> values = new ArrayList<>();
            values.add(r.epoch());
            for (String m : metrics) values.add(r.metrics().get(m));
            values.add(r.learningRate());
            values.add(r.seconds());
            values.add(r.samplesPerSecond());
            rows.add(RowFactory.create(values.toArray()));
        }
        return SparkSession.active().createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }

    /** The per-epoch records as plain values. */
    public List<EpochRecord> epochRecords() { return summary.history(); }
    /** Training loss after each epoch run. */
    public double[] lossHistory() { return summary.lossHistory(); }
    /** The metric early stopping watched. */
    public String monitor() { return summary.monitor(); }
    /** 1-based epoch with the best monitored value; 0 when none counted. */
    public int bestEpoch() { return summary.bestEpoch(); }
    /** The best monitored value, or NaN. */
    public double bestScore() { return summary.bestValue(); }
    /** Epoch after which early stopping ended training; 0 when all epochs ran. */
    public int stoppedEpoch() { return summary.stoppedEpoch(); }
    /** Whether the model holds the best epoch's weights (restoreBestWeights) rather than the last epoch's. */
    public boolean restoredBestWeights() { return summary.restoredBest(); }
    /** Warnings raised before or during training, e.g. unscaled features. */
    public List<String> warnings() { return summary.warnings(); }
    /** Epochs planned (the epochs Param). */
    public int epochs() { return summary.epochs(); }
    /** Training rows (validation rows excluded). */
    public long rows() { return summary.rows(); }
    /** Validation rows. */
    public long validationRows() { return summary.validationRows(); }
    /** Training workers. */
    public int numWorkers() { return summary.numWorkers(); }
    /** The seed Param. */
    public long seed() { return summary.seed(); }
    /** Spark version that trained the model. */
    public String sparkVersion() { return summary.sparkVersion(); }
    /** DL4J/ND4J version that trained the model. */
    public String dl4jVersion() { return summary.dl4jVersion(); }
    /** spark-neural version that trained the model. */
    public String sparkNeuralVersion() { return summary.sparkNeuralVersion(); }
    /** Total training wall time in seconds. */
    public double trainSeconds() { return summary.trainSeconds(); }

    TrainingSummary values() {
        return summary;
    }

    @Override
    public String toString() {
        return "NeuralTrainingSummary(epochs run=" + summary.history().size() + ", monitor=" + summary.monitor()
                + ", bestEpoch=" + summary.bestEpoch() + ", stoppedEpoch=" + summary.stoppedEpoch()
                + ", warnings=" + summary.warnings().size() + ")";
    }
}
