package io.sparkneural.jobs;

import io.sparkneural.cli.JobOptions;
import io.sparkneural.cli.JobSupport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * The {@code predict} batch job: applies a PipelineModel saved by the train job (or by {@code PipelineModel.save})
 * to a table and writes the input columns with the predictions, as Parquet or CSV.
 *
 * <p>Exit codes as the train job's: 0 success, 2 a wrong command line or data, 1 any other failure.
 */
public final class PredictJob {
  private PredictJob() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static JobOptions options() {
    return new JobOptions()
        .option("model", "", "the saved PipelineModel folder (the train job's output/model)")
        .option("input", "", "the table to predict (file or folder, any Hadoop path)")
        .option("format", "parquet", "the input's format: parquet, csv or libsvm")
        .repeated("option", "a reader option key=value for the input, e.g. --option sep=; (repeatable; csv reads "
            + "header=true and inferSchema=true unless given)")
        .option("output", "", "the output folder")
        .option("output-format", "parquet", "parquet or csv (csv: probability split into probability_0.. columns; "
            + "vector columns left out)")
        .flag("overwrite", "replace an existing output folder")
        .option("partitions", "0", "write this many files (0 = as computed)")
        .option("master", "local[2]", "Spark master, when not launched by spark-submit");
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    JobOptions options = options();
    if (JobOptions.wantsHelp(args)) {
      out.print(options.help("Usage: PredictJob --model DIR --input PATH --output DIR [options]"
          + System.lineSeparator() + "Applies a saved pipeline to a table and writes its predictions."));
      return 0;
    }
    Map<String, String> readerOptions = new LinkedHashMap<>();
    String outputFormat;
    int partitions;
    try {
      options.parse(args);
      for (String name : List.of("model", "input", "output")) {
        if (options.string(name).isEmpty()) {
          throw new JobOptions.UsageException("--" + name + " is required (see --help)");
        }
      }
      if (!List.of(DataSource.FORMATS).contains(options.string("format")) || options.string("format").equals("mnist")) {
        throw new JobOptions.UsageException("--format must be parquet, csv or libsvm, but was '"
            + options.string("format") + "'");
      }
      outputFormat = options.string("output-format");
      if (!outputFormat.equals("parquet") && !outputFormat.equals("csv")) {
        throw new JobOptions.UsageException("--output-format must be parquet or csv, but was '" + outputFormat + "'");
      }
      for (String o : options.strings("option")) {
        int eq = o.indexOf('=');
        if (eq <= 0) {
          throw new JobOptions.UsageException("--option needs key=value, but was '" + o + "'");
        }
        readerOptions.put(o.substring(0, eq), o.substring(eq + 1));
      }
      partitions = options.integer("partitions", 0);
    } catch (JobOptions.UsageException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    String format = outputFormat;
    int files = partitions;
    return JobSupport.runInSession(() -> Jobs.session(options.string("master"), "spark-neural predict", Map.of()),
        spark -> predict(spark, options, readerOptions, format, files, out), Jobs::isBadInput, err);
  }

  private static void predict(SparkSession spark, JobOptions options, Map<String, String> readerOptions,
      String outputFormat, int partitions, PrintStream out) throws Exception {
    DataSource source = new DataSource("--input", options.string("format"), options.string("input"), readerOptions,
        List.of(), 0, "test", false, 0);
    Dataset<Row> input = source.load(spark, 0);
    PipelineModel model;
    try {
      model = PipelineModel.load(options.string("model"));
    } catch (Exception e) {
      throw new IllegalArgumentException("--model " + options.string("model") + " is not a saved PipelineModel: "
          + JobSupport.oneLine(e));
    }
    Dataset<Row> predictions = predictions(model, input);
    if (outputFormat.equals("csv")) {
      predictions = flatForCsv(predictions, out);
    }
    if (partitions > 0) {
      predictions = predictions.repartition(partitions);
    }
    long start = System.nanoTime();
    predictions.write().mode(options.flagSet("overwrite") ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
        .option("header", "true").format(outputFormat).save(options.string("output"));
    double seconds = (System.nanoTime() - start) / 1e9;
    long rows = spark.read().format(outputFormat).option("header", "true").load(options.string("output")).count();
    out.printf(Locale.ROOT, "wrote %d predictions (%s) to %s in %.1f s%n", rows, outputFormat,
        options.string("output"), seconds);
    out.printf(Locale.ROOT, "RESULT predict rows=%d seconds=%.1f%n", rows, seconds);
  }

  /**
   * The input's own columns, then prediction (and probability for a classifier); with the class names back when
   * the pipeline indexed a text label (predicted_label).
   */
  static Dataset<Row> predictions(PipelineModel model, Dataset<Row> input) {
    Dataset<Row> scored = model.transform(input);
    for (Transformer t : model.stages()) {
      if (t instanceof StringIndexerModel indexer) {
        scored = new IndexToString().setInputCol("prediction").setOutputCol("predicted_label")
            .setLabels(indexer.labelsArray()[0]).transform(scored);
      }
    }
    List<Column> keep = new ArrayList<>();
    for (String c : input.columns()) {
      keep.add(functions.col("`" + c + "`"));
    }
    for (String c : List.of("prediction", "predicted_label", "probability")) {
      if (List.of(scored.columns()).contains(c) && !List.of(input.columns()).contains(c)) {
        keep.add(functions.col(c));
      }
    }
    return scored.select(keep.toArray(new Column[0]));
  }

  /** CSV holds scalars: probability becomes probability_0.., number arrays text, other vectors are left out. */
  static Dataset<Row> flatForCsv(Dataset<Row> df, PrintStream out) {
    List<Column> cols = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = functions.col("`" + f.name() + "`");
      if (f.name().equals("probability") && f.dataType() instanceof VectorUDT) {
        List<Row> first = df.select(c).takeAsList(1);
        int k = first.isEmpty() ? 0 : ((org.apache.spark.ml.linalg.Vector) first.get(0).get(0)).size();
        Column values = org.apache.spark.ml.functions.vector_to_array(c, "float64");
        for (int i = 0; i < k; i++) {
          cols.add(values.getItem(i).as("probability_" + i));
        }
      } else if (f.dataType() instanceof VectorUDT) {
        dropped.add(f.name());
      } else if (f.dataType() instanceof ArrayType) {
        cols.add(functions.concat_ws(" ", c.cast("array<string>")).as(f.name()));
      } else {
        cols.add(c);
      }
    }
    if (!dropped.isEmpty()) {
      out.println("csv output leaves out the vector column(s) " + String.join(", ", dropped) + " (use Parquet to "
          + "keep them)");
    }
    return df.select(cols.toArray(new Column[0]));
  }
}
