package io.sparkneural.cli;

import java.nio.file.FileSystemException;
import org.apache.spark.sql.SparkSession;

/** What the example jobs share: the Spark session DL4J needs, and one-line error messages. */
public final class JobSupport {
  private JobSupport() {}

  /** A session with Kryo and ND4J's registrator (DL4J refuses Kryo without it); local masters bind to loopback. */
  public static SparkSession session(String appName, String master, boolean ui) {
    SparkSession.Builder builder = SparkSession.builder()
        .appName(appName)
        .master(master)
        .config("spark.ui.enabled", ui)
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    if (master.startsWith("local")) {
      builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    return builder.getOrCreate();
  }

  /** The exception's message on one line (Spark's messages carry a remote stack trace after the first line). */
  public static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getName();
    }
    String first = message.strip().lines().findFirst().orElse(message).strip();
    return e instanceof FileSystemException ? e.getClass().getSimpleName() + ": " + first : first;
  }
}
