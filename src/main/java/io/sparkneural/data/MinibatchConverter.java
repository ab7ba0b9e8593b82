package io.sparkneural.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

import static org.apache.spark.sql.functions.col;

/**
 * Turns each partition of a (features, label) DataFrame into ND4J minibatches where the partition lives: the
 * training data never passes through the driver. Rows are shuffled (seeded) within blocks of
 * {@value #SHUFFLE_BLOCK_BATCHES} minibatches, streaming, so memory stays bounded for partitions of any size; the
 * training master reshuffles minibatches and their rows every epoch.
 */
public final class MinibatchConverter implements Serializable {
    private final String featuresCol;
    private final String labelCol;
    private final io.sparkneural.network.ExampleLayout layout;
    private final int labelWidth;
    private final boolean oneHot;
    private final int batchSize;
    private final long seed;
    private final boolean masked;
    private final boolean perStepLabels;

    /**
     * @param labelWidth target columns per row
     * @param oneHot     whether the label index becomes a one-hot row; else the label value is the single target
     */
    public MinibatchConverter(String featuresCol, String labelCol, int numInputs, int labelWidth, boolean oneHot,
                              int batchSize, long seed) {
        this(featuresCol, labelCol, new io.sparkneural.network.ExampleLayout(io.sparkneural.network.InputShape.flat(numInputs)),
                labelWidth, oneHot, batchSize, seed);
    }

    /** @param layout where each feature value goes in DL4J's input (images channels first, sequences [features, time]) */
    public MinibatchConverter(String featuresCol, String labelCol, io.sparkneural.network.ExampleLayout layout,
                              int labelWidth, boolean oneHot, int batchSize, long seed) {
        this(featuresCol, labelCol, layout, labelWidth, oneHot, batchSize, seed, false, false);
    }

    private MinibatchConverter(String featuresCol, String labelCol, io.sparkneural.network.ExampleLayout layout,
                               int labelWidth, boolean oneHot, int batchSize, long seed, boolean masked,
                               boolean perStepLabels) {
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
        this.layout = layout;
        this.labelWidth = labelWidth;
        this.oneHot = oneHot;
        this.batchSize = batchSize;
        this.seed = seed;
        this.masked = masked;
        this.perStepLabels = perStepLabels;
    }

    /**
     * For sequences: {@code masked} pads rows shorter than the layout's timesteps and marks their real steps in
     * DL4J's feature mask; {@code perStepLabels} reads an array label column, one label per timestep (masked alike).
     */
    public MinibatchConverter sequences(boolean masked, boolean perStepLabels) {
        return new MinibatchConverter(featuresCol, labelCol, layout, labelWidth, oneHot, batchSize, seed, masked,
                perStepLabels);
    }

    /** Lazily converts; the caller persists the result if it is used more than once. */
    public JavaRDD<DataSet> convert(Dataset<?> data) {
        return convertToArrays(data).map(MinibatchArrays::toDataSet);
    }

    /** Lazily converts to flat arrays, without ND4J; the caller persists the result if it is used more than once. */
    public JavaRDD<MinibatchArrays> convertToArrays(Dataset<?> data) {
        FeatureColumn features = FeatureColumn.of(data.schema(), featuresCol);
        Dataset<Row> selected = data.select(col(featuresCol), col(labelCol).cast(perStepLabels ? "array<double>" : "double"));
        return selected.toJavaRDD().mapPartitionsWithIndex((partition, rows) -> partitionBatches(features, partition, rows),
                false);
    }

    /** Rows shuffled per block of this many minibatches: bounded memory, whatever the partition's size. */
    static final int SHUFFLE_BLOCK_BATCHES = 64;

    private Iterator<MinibatchArrays> partitionBatches(FeatureColumn features, int partition, Iterator<Row> rows) {
        Random random = new Random(seed * 1_000_003L + partition);
        int block = batchSize * SHUFFLE_BLOCK_BATCHES;
        return new Iterator<>() {
            private final ArrayDeque<MinibatchArrays> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) fill();
                return !ready.isEmpty();
            }

            @Override
            public MinibatchArrays next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.poll();
            }

            private void fill() {
                List<Row> buffered = new ArrayList<>(block);
                while (buffered.size() < block && rows.hasNext()) buffered.add(rows.next());
                Collections.shuffle(buffered, random);
                for (int start = 0; start < buffered.size(); start += batchSize) {
                    ready.add(batch(features, buffered.subList(start, Math.min(buffered.size(), start + batchSize))));
                }
            }
        };
    }

    /** One minibatch from already validated rows. */
    MinibatchArrays batch(FeatureColumn features, List<Row> rows) {
        int n = rows.size();
        int steps = layout.shape().isSequence() ? layout.shape().timesteps() : 1;
        int labelSteps = perStepLabels ? steps : 1;
        float[] x = new float[n * layout.size()];
        float[] mask = masked ? new float[n * steps] : null;
        float[] y = new float[n * labelWidth * labelSteps];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            FeatureColumn.Cell cell = features.read(r, 0);
            FeatureRows.copy(cell.values(), x, i, layout);
            if (mask != null) java.util.Arrays.fill(mask, i * steps, i * steps + Math.max(cell.steps(), 0), 1f);
            double[] labels = perStepLabels ? FeatureColumn.labelSteps(r, 1, labelCol) : new double[]{r.getDouble(1)};
            for (int t = 0; t < labels.length; t++) {
                // [example, label column, timestep] in 'c' order; without timesteps labelSteps is 1 and t is 0
                int column = oneHot ? (int) labels[t] : 0;
                y[(i * labelWidth + column) * labelSteps + t] = oneHot ? 1f : (float) labels[t];
            }
        }
        long[] labelShape = perStepLabels ? new long[]{n, labelWidth, steps} : new long[]{n, labelWidth};
        return new MinibatchArrays(layout.batchShape(n), x, labelShape, y, mask,
                perStepLabels && mask != null ? mask.clone() : null);
    }
}
