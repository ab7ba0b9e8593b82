package io.sparkneural.datasets;

import java.nio.file.Path;

/**
 * Where downloaded data sets are kept.
 *
 * <p>The root folder is, in order of precedence: the system property {@value #DIR_PROPERTY}, the environment
 * variable {@value #DIR_ENV}, or {@code ~/.cache/spark-neural}. Each data set has a subfolder named after it.
 */
public final class DataCache {
  /** System property naming the cache root folder; wins over {@link #DIR_ENV}. */
  public static final String DIR_PROPERTY = "spark.neural.data.dir";
  /** Environment variable naming the cache root folder, used when {@link #DIR_PROPERTY} is not set. */
  public static final String DIR_ENV = "SPARK_NEURAL_DATA";

  private DataCache() {}

  /** The cache root folder (not created): {@value #DIR_PROPERTY}, else {@value #DIR_ENV}, else ~/.cache/spark-neural. */
  public static Path root() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (isBlank(configured)) {
      configured = System.getenv(DIR_ENV);
    }
    if (!isBlank(configured)) {
      return Path.of(configured.trim()).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "spark-neural");
  }

  /** The folder of one data set under {@link #root()} (not created), e.g. {@code dataset("mnist")}. */
  public static Path dataset(String name) {
    return root().resolve(name);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
