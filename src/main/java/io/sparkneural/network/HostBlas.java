package io.sparkneural.network;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

/**
 * OpenBLAS's float products on row-major blocks of ND4J host arrays, called directly, for {@link DenseStack}'s fused
 * pass and {@link GemmConvolution}. Why: the convolution multiplies one block per example or per chunk of examples, at
 * offsets inside arrays, and the fused pass works on its own off-heap buffers.
 * {@code Nd4j.gemm} needs an array object per block and runs through libnd4j's op dispatch; ND4J's CPU backend ends in
 * this same {@code cblas_sgemm} of the same library (its {@code CpuLevel3}), so the kernels and thread settings are
 * ND4J's.
 *
 * <p>Only for arrays on ND4J's CPU backend for which {@link NdArrays#inPlace} holds.
 */
public final class HostBlas {
    private HostBlas() {}

    /** The address of element {@code offset} of {@code a}'s contiguous memory. */
    public static FloatPointer at(INDArray a, long offset) {
        FloatPointer p = new FloatPointer(a.data().addressPointer()); // a view's buffer starts at its first element
        return p.position(p.position() + offset);
    }

    /** {@code c = op(a) x op(b) + beta c} with {@code op(a)} [m, k], {@code op(b)} [k, n], all row-major. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b,
                     int ldb, float beta, FloatPointer c, int ldc) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, 1f,
                a, lda, b, ldb, beta, c, ldc);
    }

    /** {@code y = a x} for the row-major [m, n] matrix {@code a}. */
    static void gemv(int m, int n, FloatPointer a, int lda, FloatPointer x, FloatPointer y) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1f, a, lda, x, 1, 0f, y, 1);
    }
}
