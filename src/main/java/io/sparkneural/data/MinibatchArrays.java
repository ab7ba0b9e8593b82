package io.sparkneural.data;

import io.sparkneural.network.NdArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.Serializable;

/**
 * One minibatch as flat float arrays in DL4J's 'c' order, with the full shape of each (examples first): what the
 * converter builds from rows before any ND4J array exists. Training caches these as they are; an ND4J array costs
 * about 0.2 ms to create whatever its size (native allocation and bookkeeping), so creating one per minibatch only to
 * read it back was a third of the conversion's time.
 */
public final class MinibatchArrays implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] featureShape;
    private final float[] features;
    private final long[] labelShape;
    private final float[] labels;
    private final float[] featureMask; // null without a mask; shape [examples, timesteps]
    private final float[] labelMask;

    public MinibatchArrays(long[] featureShape, float[] features, long[] labelShape, float[] labels, float[] featureMask,
                           float[] labelMask) {
        this.featureShape = featureShape;
        this.features = features;
        this.labelShape = labelShape;
        this.labels = labels;
        this.featureMask = featureMask;
        this.labelMask = labelMask;
    }

    /** The arrays of an ND4J minibatch (copied out of native memory). */
    public static MinibatchArrays of(DataSet ds) {
        INDArray fm = ds.getFeaturesMaskArray();
        INDArray lm = ds.getLabelsMaskArray();
        return new MinibatchArrays(ds.getFeatures().shape(), flat(ds.getFeatures()), ds.getLabels().shape(),
                flat(ds.getLabels()), fm == null ? null : flat(fm), lm == null ? null : flat(lm));
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    public int rows() {
        return (int) featureShape[0];
    }

    public long[] featureShape() {
        return featureShape.clone();
    }

    public long[] labelShape() {
        return labelShape.clone();
    }

    /** Row-major features; the array itself, not a copy: callers must not change it. */
    public float[] features() {
        return features;
    }

    /** Row-major labels; not a copy. */
    public float[] labels() {
        return labels;
    }

    /** Feature mask [examples, timesteps], or null; not a copy. */
    public float[] featureMask() {
        return featureMask;
    }

    /** Label mask [examples, timesteps], or null; not a copy. */
    public float[] labelMask() {
        return labelMask;
    }

    /** The minibatch as ND4J arrays. */
    public DataSet toDataSet() {
        int n = rows();
        INDArray mask = featureMask == null ? null : NdArrays.floats(featureMask, n, featureMask.length / n);
        INDArray outMask = labelMask == null ? null : NdArrays.floats(labelMask, n, labelMask.length / n);
        return new DataSet(NdArrays.floats(features, featureShape), NdArrays.floats(labels, labelShape), mask, outMask);
    }
}
