package io.sparkneural.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What the train and predict jobs share. */
final class Jobs {
  private Jobs() {}

  /**
   * The job's session. Under spark-submit the master and settings it was given win (they arrive as system
   * properties, which SparkConf reads); otherwise {@code master}, e.g. local[2] for the embedded default. Kryo with
   * ND4J's registrator is set unless the configuration chose otherwise: DL4J refuses Kryo without it.
   */
  /** A failure the user can fix: a wrong configuration, column, row or Param value (exit code 2). */
  static boolean isBadInput(Throwable e) {
    return e instanceof JobConfig.BadConfig || e instanceof IllegalArgumentException;
  }

  static SparkSession session(String master, String appName, Map<String, String> settings) {
    SparkConf conf = new SparkConf(true);
    if (!conf.contains("spark.master")) {
      conf.setMaster(master);
    }
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    settings.forEach(conf::set);
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
