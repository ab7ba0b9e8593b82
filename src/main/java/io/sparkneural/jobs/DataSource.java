package io.sparkneural.jobs;

import io.sparkneural.datasets.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a job's table comes from: a Parquet, CSV or LibSVM path (any Hadoop file system), or the MNIST IDX files,
 * with reader options, a column selection and a row limit. Read from the keys under one prefix, e.g.
 * {@code data.train}.
 */
public record DataSource(String key, String format, String path, Map<String, String> options, List<String> columns,
    int limit, String mnistPart, boolean download, int partitions) {

  static final String[] FORMATS = {"parquet", "csv", "libsvm", "mnist"};

  /** The keys a source reads under its prefix. */
  static List<String> keys(String prefix) {
    return List.of(prefix + ".format", prefix + ".path", prefix + ".options.*", prefix + ".columns",
        prefix + ".limit", prefix + ".part", prefix + ".download", prefix + ".partitions");
  }

  static DataSource read(JobConfig c, String prefix, String defaultMnistPart) throws JobConfig.BadConfig {
    String format = c.choice(prefix + ".format", null, FORMATS);
    if (format == null) {
      throw new JobConfig.BadConfig("missing key " + prefix + ".format (one of " + String.join(", ", FORMATS) + ")");
    }
    String path = format.equals("mnist") ? c.string(prefix + ".path", Mnist.defaultDir().toString())
        : c.string(prefix + ".path");
    String part = c.choice(prefix + ".part", defaultMnistPart, "train", "test");
    if (c.has(prefix + ".part") && !format.equals("mnist")) {
      throw new JobConfig.BadConfig(prefix + ".part applies to format mnist only");
    }
    return new DataSource(prefix, format, path, c.stringEntries(prefix + ".options"), c.names(prefix + ".columns"),
        c.integer(prefix + ".limit", 0, 0), part, c.bool(prefix + ".download", true),
        c.integer(prefix + ".partitions", 0, 0));
  }

  /** The table, with only {@code columns} when given; a wrong column name is named with the ones that exist. */
  public Dataset<Row> load(SparkSession spark, int defaultPartitions) throws IOException, JobConfig.BadConfig {
    int parts = partitions > 0 ? partitions : defaultPartitions;
    Dataset<Row> df;
    if (format.equals("mnist")) {
      Path dir = Path.of(path);
      if (download) {
        dir = Mnist.ensureAvailable(dir);
      }
      return Mnist.load(spark, dir, mnistPart.equals("train"), limit, parts);
    }
    DataFrameReader reader = spark.read().format(format);
    if (format.equals("csv") && !options.containsKey("header")) {
      reader = reader.option("header", "true").option("inferSchema", "true");
    }
    reader = reader.options(options);
    try {
      df = reader.load(path);
    } catch (Exception e) { // Scala throws AnalysisException (a missing path, a bad option) undeclared
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        throw new JobConfig.BadConfig(key + ".path: " + io.sparkneural.cli.JobSupport.oneLine(e));
      }
      throw e;
    }
    if (!columns.isEmpty()) {
      for (String col : columns) {
        if (!List.of(df.columns()).contains(col)) {
          throw new JobConfig.BadConfig(key + ".columns names '" + col + "', which " + path + " does not have; it has "
              + String.join(", ", df.columns()));
        }
      }
      df = df.selectExpr(columns.stream().map(col -> "`" + col + "`").toArray(String[]::new));
    }
    if (limit > 0) {
      df = df.limit(limit);
    }
    return parts > 0 && parts != df.rdd().getNumPartitions() ? df.repartition(parts) : df;
  }
}
