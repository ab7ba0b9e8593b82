/**
 * The benchmark of spark-neural on MNIST ({@link io.sparkneural.benchmark.Benchmarks}): spark-neural against plain
 * DL4J, Spark MLlib and scikit-learn on the same rows and cores, the machine's sgemm peak and each run's share of it,
 * the data path, and scaling with averaging frequency and workers. One class per section; {@code Report} renders
 * the Markdown report.
 */
package io.sparkneural.benchmark;
