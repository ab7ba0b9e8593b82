package io.sparkneural.ml;

import io.sparkneural.data.DataChecks;
import io.sparkneural.data.FeatureRows;
import io.sparkneural.network.NetworkRunner;
import io.sparkneural.network.NetworkState;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Distributed, batched prediction: each partition rebuilds the network once from the broadcast state and runs
 * it on blocks of rows, instead of one forward pass (or one deserialised model) per row.
 */
final class BatchedInference implements Serializable {

    /** Turns one row of network output into the values of the appended columns. */
    @FunctionalInterface
    interface OutputColumns extends Serializable {
        Object[] values(float[] outputs, int offset, int width);
    }

    private final Broadcast<NetworkState> state;
    private final int numFeatures;
    private final io.sparkneural.network.ExampleLayout layout;
    private final int outputWidth;
    private final String featuresCol;
    private final int batchSize;
    private final OutputColumns columns;

    BatchedInference(Broadcast<NetworkState> state, io.sparkneural.network.ExampleLayout layout, int outputWidth,
                     String featuresCol, int batchSize, OutputColumns columns) {
        this.state = state;
        this.numFeatures = layout.size();
        this.layout = layout;
        this.outputWidth = outputWidth;
        this.featuresCol = featuresCol;
        this.batchSize = batchSize;
        this.columns = columns;
    }

    /** Appends the columns of {@code outputSchema} that {@code data} lacks, in that schema's order. */
    Dataset<Row> transform(Dataset<?> data, StructType outputSchema) {
        int featureIndex = data.schema().fieldIndex(featuresCol);
        return data.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Batches(rows, featureIndex),
                Encoders.row(outputSchema));
    }

    /** Pulls a block of rows, predicts it, and hands out the extended rows one by one. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final int featureIndex;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private NetworkRunner runner;
        private long rowsSeen;

        Batches(Iterator<Row> input, int featureIndex) {
            this.input = input;
            this.featureIndex = featureIndex;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && input.hasNext()) fill();
            if (ready.isEmpty()) close();
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return ready.poll();
        }

        private void fill() {
            Row[] block = new Row[batchSize];
            int n = 0;
            while (n < batchSize && input.hasNext()) block[n++] = input.next();
            float[] x = new float[n * numFeatures];
            for (int i = 0; i < n; i++) {
                Vector v = block[i].isNullAt(featureIndex) ? null : (Vector) block[i].get(featureIndex);
                DataChecks.requireSize(v, numFeatures, featuresCol, where(rowsSeen + i));
                FeatureRows.copy(v, x, i, layout);
            }
            rowsSeen += n;
            float[] out = runner().predict(x, n);
            for (int i = 0; i < n; i++) {
                Object[] extra = columns.values(out, i * outputWidth, outputWidth);
                Object[] values = new Object[block[i].length() + extra.length];
                for (int k = 0; k < block[i].length(); k++) values[k] = block[i].get(k);
                System.arraycopy(extra, 0, values, block[i].length(), extra.length);
                ready.add(RowFactory.create(values));
            }
        }

        private NetworkRunner runner() {
            if (runner == null) {
                runner = new NetworkRunner(state.value(), layout);
                TaskContext ctx = TaskContext.get();
                if (ctx != null) ctx.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) c -> close());
            }
            return runner;
        }

        private void close() {
            if (runner != null) {
                runner.close();
                runner = null;
            }
        }

        private String where(long offset) {
            TaskContext ctx = TaskContext.get();
            return "row " + offset + " of partition " + (ctx == null ? 0 : ctx.partitionId());
        }
    }
}
