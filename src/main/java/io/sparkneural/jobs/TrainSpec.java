package io.sparkneural.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Everything a train job's configuration says, checked before Spark starts. */
public record TrainSpec(String master, String appName, Map<String, String> sparkConf, DataSource train,
    DataSource test, double testFraction, long splitSeed, TrainPipeline pipeline, String outputPath,
    boolean overwrite, String configJson) {

  static List<String> keys() {
    List<String> keys = new ArrayList<>(List.of("spark.master", "spark.app-name", "spark.conf.*",
        "data.test-fraction", "data.split-seed", "output.path", "output.overwrite"));
    keys.addAll(DataSource.keys("data.train"));
    keys.addAll(DataSource.keys("data.test"));
    keys.addAll(TrainPipeline.keys());
    return keys;
  }

  static TrainSpec read(JobConfig c) throws JobConfig.BadConfig {
    c.requireOnly(keys());
    DataSource test = c.has("data.test") ? DataSource.read(c, "data.test", "test") : null;
    if (test != null && c.has("data.test-fraction")) {
      throw new JobConfig.BadConfig("give data.test (a test table) or data.test-fraction (a random split of "
          + "data.train), not both");
    }
    return new TrainSpec(c.string("spark.master", "local[2]"), c.string("spark.app-name", "spark-neural train"),
        c.stringEntries("spark.conf"), DataSource.read(c, "data.train", "train"), test,
        c.fraction("data.test-fraction", 0.2), c.longValue("data.split-seed", 42), TrainPipeline.read(c),
        c.string("output.path"), c.bool("output.overwrite", false), c.toJson());
  }

  /** The configuration keys, for --help. */
  static String keysHelp() {
    return """

        Configuration keys (HOCON; examples in conf/jobs/):
          spark.master              master when not launched by spark-submit (default local[2])
          spark.app-name            application name
          spark.conf { ... }        any Spark setting, e.g. spark.sql.shuffle.partitions = 4
          data.train.format         parquet, csv, libsvm or mnist (the IDX files)
          data.train.path           file or folder (any Hadoop path); for mnist the IDX folder (fetched if missing,
                                    unless data.train.download = false)
          data.train.part           mnist only: train or test (default train)
          data.train.options { }    reader options, e.g. header = true, inferSchema = true (csv defaults), sep = ";"
          data.train.columns        keep only these columns
          data.train.limit          use only the first N rows (0 = all)
          data.train.partitions     repartition to N (default: Spark's default parallelism)
          data.test.*               the same keys for a separate test table (mnist: part defaults to test)
          data.test-fraction        otherwise, the fraction of data.train held out for testing (default 0.2)
          data.split-seed           seed of that split (default 42)
          data.features             columns to assemble into the feature vector (VectorAssembler), or
          data.features-column      one Vector / array column (default features)
          data.label                the label column (default label); a text label is indexed (StringIndexer)
          pipeline.scaler           standard (default), minmax, maxabs or none
          pipeline.model            classifier (default) or regressor
          pipeline.params { }       any Param of NeuralClassifier / NeuralRegressor by name, e.g. layers, epochs,
                                    batchSize, numWorkers, optimizer, learningRate, validationSplit,
                                    earlyStoppingPatience, checkpointDir (see README, Params)
          output.path               output folder (required; or --output)
          output.overwrite          replace an existing output folder (default false)
        """;
  }
}
