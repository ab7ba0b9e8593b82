package io.sparkneural.ml;

import io.sparkneural.data.DataChecks;
import io.sparkneural.data.FeatureColumn;
import io.sparkneural.data.FeatureRows;
import io.sparkneural.network.NetworkRunner;
import io.sparkneural.network.NetworkState;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
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

    /**
     * Turns one example's network output into the values of the appended columns: {@code width} values from
     * {@code offset}, or for a per-timestep network {@code width} rows of the layout's timesteps from
     * {@code offset} of which the first {@code steps} are the example's own.
     */
    @FunctionalInterface
    interface OutputColumns extends Serializable {
        Object[] values(float[] outputs, int offset, int width, int steps);
    }

    private final Broadcast<NetworkState> state;
    private final int numFeatures;
    private final io.sparkneural.network.ExampleLayout layout;
    private final int outputWidth;
    private final String featuresCol;
    private final int batchSize;
    private final OutputColumns columns;
    private final boolean perTimestep;

    BatchedInference(Broadcast<NetworkState> state, io.sparkneural.network.ExampleLayout layout, int outputWidth,
                     String featuresCol, int batchSize, boolean perTimestep, OutputColumns columns) {
        this.state = state;
        this.numFeatures = layout.size();
        this.layout = layout;
        this.outputWidth = outputWidth;
        this.featuresCol = featuresCol;
        this.batchSize = batchSize;
        this.columns = columns;
        this.perTimestep = perTimestep;
    }

    /** Appends the columns of {@code outputSchema} that {@code data} lacks, in that schema's order. */
    Dataset<Row> transform(Dataset<?> data, StructType outputSchema) {
        int featureIndex = data.schema().fieldIndex(featuresCol);
        FeatureColumn column = FeatureColumn.of(data.schema(), featuresCol);
        return data.toDF().mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Batches(rows, featureIndex, column),
                Encoders.row(outputSchema));
    }

    /** Pulls a block of rows, predicts it, and hands out the extended rows one by one. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final int featureIndex;
        private final FeatureColumn column;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private NetworkRunner runner;
        private long rowsSeen;

        Batches(Iterator<Row> input, int featureIndex, FeatureColumn column) {
            this.input = input;
            this.featureIndex = featureIndex;
            this.column = column;
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
            int[] steps = new int[n];
            boolean masked = false;
            for (int i = 0; i < n; i++) {
                steps[i] = copy(block[i], x, i, where(rowsSeen + i));
                masked |= steps[i] >= 0 && steps[i] < timesteps();
            }
            rowsSeen += n;
            float[] mask = masked ? mask(steps, n) : null;
            float[] out = runner().predict(x, n, mask);
            int stride = perTimestep ? outputWidth * timesteps() : outputWidth;
            for (int i = 0; i < n; i++) {
                Object[] extra = columns.values(out, i * stride, outputWidth, steps[i] < 0 ? timesteps() : steps[i]);
                Object[] values = new Object[block[i].length() + extra.length];
                for (int k = 0; k < block[i].length(); k++) values[k] = block[i].get(k);
                System.arraycopy(extra, 0, values, block[i].length(), extra.length);
                ready.add(RowFactory.create(values));
            }
        }

        /** Copies one row's features into the batch; returns its timesteps for a sequence column, else -1. */
        private int copy(Row row, float[] x, int i, String where) {
            FeatureColumn.Cell cell;
            try {
                cell = column.read(row, featureIndex);
            } catch (FeatureColumn.BadCell e) {
                throw new IllegalArgumentException(e.at(where));
            }
            if (cell != null && cell.steps() > 0) {
                int features = layout.shape().features();
                if (cell.width() != features || cell.steps() > timesteps()) {
                    throw new IllegalArgumentException("Column " + featuresCol + " has a sequence of " + cell.steps()
                            + " timesteps x " + cell.width() + " features at " + where + ", but the model reads at most "
                            + timesteps() + " timesteps x " + features + " features");
                }
            } else {
                DataChecks.requireSize(cell == null ? null : cell.values(), numFeatures, featuresCol, where);
            }
            FeatureRows.copy(cell.values(), x, i, layout);
            return cell.steps();
        }

        private int timesteps() {
            return layout.shape().isSequence() ? layout.shape().timesteps() : 1;
        }

        /** DL4J's feature mask: 1 for each example's own timesteps, 0 for the padding. */
        private float[] mask(int[] steps, int n) {
            int t = timesteps();
            float[] mask = new float[n * t];
            for (int i = 0; i < n; i++) java.util.Arrays.fill(mask, i * t, i * t + (steps[i] < 0 ? t : steps[i]), 1f);
            return mask;
        }

        private NetworkRunner runner() {
            if (runner == null) {
                io.sparkneural.train.GpuAssignment.apply(); // before the first array: on the task's GPU, if any
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
