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

  /** What a job does with its session. */
  @FunctionalInterface
  public interface SessionWork {
    void run(SparkSession spark) throws Exception;
  }

  /**
   * Runs {@code work} in the session {@code session} makes, stops the session, and gives the exit code: 0; 2 when
   * {@code badInput} holds for the failure (a wrong configuration or data: the user can fix it); else 1. A failure
   * is reported on {@code err} as one line starting with {@code error:}.
   */
  public static int runInSession(java.util.function.Supplier<SparkSession> session, SessionWork work,
      java.util.function.Predicate<Throwable> badInput, java.io.PrintStream err) {
    SparkSession spark = null;
    try {
      spark = session.get();
      work.run(spark);
      return 0;
    } catch (Exception | LinkageError e) {
      err.println("error: " + oneLine(e));
      return badInput.test(e) ? 2 : 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
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
