package io.sparkneural.jobs;

import io.sparkneural.ml.NeuralClassifier;
import io.sparkneural.ml.NeuralRegressor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.MaxAbsScaler;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The pipeline a train job's configuration names: VectorAssembler (when {@code data.features} lists columns) →
 * StringIndexer (for a text label) → a scaler → NeuralClassifier or NeuralRegressor, with any of the estimator's
 * Params set from {@code pipeline.params}.
 */
public record TrainPipeline(List<String> featureColumns, String featuresColumn, String labelColumn, String scaler,
    String model, Map<String, String> params) {

  static final String[] SCALERS = {"standard", "minmax", "maxabs", "none"};
  static final String[] MODELS = {"classifier", "regressor"};
  static final String ASSEMBLED = "features_assembled";
  static final String SCALED = "features_scaled";
  static final String INDEXED_LABEL = "label_indexed";

  static List<String> keys() {
    return List.of("data.features", "data.features-column", "data.label", "pipeline.scaler", "pipeline.model",
        "pipeline.params.*");
  }

  static TrainPipeline read(JobConfig c) throws JobConfig.BadConfig {
    List<String> features = c.names("data.features");
    if (!features.isEmpty() && c.has("data.features-column")) {
      throw new JobConfig.BadConfig("give data.features (columns to assemble) or data.features-column (one vector or "
          + "array column), not both");
    }
    TrainPipeline p = new TrainPipeline(features, c.string("data.features-column", "features"),
        c.string("data.label", "label"), c.choice("pipeline.scaler", "standard", SCALERS),
        c.choice("pipeline.model", "classifier", MODELS), c.jsonEntries("pipeline.params"));
    p.estimator(); // a wrong Param fails here, before Spark starts
    return p;
  }

  boolean classifier() {
    return model.equals("classifier");
  }

  /** The estimator with its Params set; a wrong name or value names the key. */
  Params estimator() throws JobConfig.BadConfig {
    Params estimator = classifier() ? new NeuralClassifier() : new NeuralRegressor();
    for (Map.Entry<String, String> e : params.entrySet()) {
      String key = "pipeline.params." + e.getKey();
      if (List.of("featuresCol", "labelCol").contains(e.getKey())) {
        throw new JobConfig.BadConfig(key + " is set by the job; use data.features / data.features-column and "
            + "data.label");
      }
      if (!estimator.hasParam(e.getKey())) {
        List<String> names = new ArrayList<>();
        for (Param<?> p : estimator.params()) {
          names.add(p.name());
        }
        throw new JobConfig.BadConfig("unknown key " + key + ": " + estimator.getClass().getSimpleName()
            + " has no Param " + e.getKey() + "; its Params are " + String.join(", ", names.stream().sorted().toList()));
      }
      set(estimator, estimator.getParam(e.getKey()), e.getValue(), key);
    }
    return estimator;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void set(Params estimator, Param param, String json, String key) throws JobConfig.BadConfig {
    // text Params take any scalar (HOCON leaves e.g. layers = dense(4) unquoted-friendly); typed ones decode JSON
    boolean text = param.getClass() == Param.class;
    Object value;
    try {
      value = param.jsonDecode(text && !json.startsWith("\"") ? "\"" + json + "\"" : json);
    } catch (Exception | Error e) { // json4s throws MappingException unchecked, Spark NotImplementedError
      throw new JobConfig.BadConfig(key + " = " + json + " is not a value of this Param (" + param.doc() + ")");
    }
    try {
      estimator.set(param, value);
    } catch (IllegalArgumentException e) {
      throw new JobConfig.BadConfig(key + " = " + json + " is not allowed: " + param.doc());
    }
  }

  /** The stages for a table of {@code schema}. */
  Pipeline build(StructType schema) throws JobConfig.BadConfig {
    List<PipelineStage> stages = new ArrayList<>();
    String features = featuresColumn;
    List<String> columns = Arrays.asList(schema.fieldNames());
    if (!featureColumns.isEmpty()) {
      for (String col : featureColumns) {
        if (!columns.contains(col)) {
          throw new JobConfig.BadConfig("data.features names column '" + col + "', which the training data does not "
              + "have; it has " + String.join(", ", columns));
        }
      }
      stages.add(new VectorAssembler().setInputCols(featureColumns.toArray(new String[0])).setOutputCol(ASSEMBLED)
          .setHandleInvalid("error"));
      features = ASSEMBLED;
    } else if (!columns.contains(featuresColumn)) {
      throw new JobConfig.BadConfig("data.features-column is '" + featuresColumn + "', which the training data does "
          + "not have; it has " + String.join(", ", columns) + " (or list columns to assemble in data.features)");
    }
    if (!columns.contains(labelColumn)) {
      throw new JobConfig.BadConfig("data.label is '" + labelColumn + "', which the training data does not have; it "
          + "has " + String.join(", ", columns));
    }
    String label = labelColumn;
    if (classifier() && schema.apply(labelColumn).dataType().equals(DataTypes.StringType)) {
      stages.add(new StringIndexer().setInputCol(labelColumn).setOutputCol(INDEXED_LABEL).setHandleInvalid("error"));
      label = INDEXED_LABEL;
    }
    PipelineStage scale = switch (scaler) {
      case "standard" -> new StandardScaler().setWithMean(true).setWithStd(true).setInputCol(features)
          .setOutputCol(SCALED);
      case "minmax" -> new MinMaxScaler().setInputCol(features).setOutputCol(SCALED);
      case "maxabs" -> new MaxAbsScaler().setInputCol(features).setOutputCol(SCALED);
      default -> null;
    };
    if (scale != null) {
      stages.add(scale);
      features = SCALED;
    }
    Params estimator = estimator();
    if (estimator instanceof NeuralClassifier c) {
      c.setFeaturesCol(features).setLabelCol(label);
    } else {
      ((NeuralRegressor) estimator).setFeaturesCol(features).setLabelCol(label);
    }
    stages.add((PipelineStage) estimator);
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }

  /** The label column the model is scored against. */
  String scoredLabel(StructType schema) {
    return classifier() && schema.apply(labelColumn).dataType().equals(DataTypes.StringType) ? INDEXED_LABEL
        : labelColumn;
  }
}
