package io.sparkneural

import io.sparkneural.ml.{NeuralClassificationModel, NeuralClassifier, NeuralRegressor}
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.{MulticlassClassificationEvaluator, RegressionEvaluator}
import org.apache.spark.ml.feature.{StandardScaler, VectorAssembler}
import org.apache.spark.ml.tuning.{ParamGridBuilder, TrainValidationSplit}
import org.apache.spark.sql.SparkSession
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Files
import scala.util.Random

/** The API as a Scala user meets it in spark-shell or a Zeppelin paragraph. */
class NeuralClassifierSuite extends AnyFunSuite with BeforeAndAfterAll {
  @transient private var spark: SparkSession = _

  override def beforeAll(): Unit = {
    spark = SparkSession.builder().master("local[2]").appName("spark-neural-scala")
      .config("spark.ui.enabled", "false")
      .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
      .config("spark.sql.shuffle.partitions", "2")
      .getOrCreate()
  }

  override def afterAll(): Unit = if (spark != null) spark.stop()

  /** Three clusters in (x, y, z) columns, as a user's raw table would hold them. */
  private def table(n: Int, seed: Long) = {
    val s = spark
    import s.implicits._
    val r = new Random(seed)
    val centres = Seq((0.0, 0.0, 0.0), (4.0, 0.0, 1.0), (0.0, 4.0, -1.0))
    Seq.fill(n) {
      val k = r.nextInt(3)
      val (a, b, c) = centres(k)
      (a + r.nextGaussian(), b + r.nextGaussian(), c + r.nextGaussian(), k.toDouble)
    }.toDF("x", "y", "z", "label")
  }

  test("a classifier pipeline after VectorAssembler and StandardScaler fits, evaluates, saves and loads") {
    val train = table(600, 1)
    val test = table(200, 2)
    val pipeline = new Pipeline().setStages(Array(
      new VectorAssembler().setInputCols(Array("x", "y", "z")).setOutputCol("raw"),
      new StandardScaler().setInputCol("raw").setOutputCol("features"),
      new NeuralClassifier()
        .setLayers("dense(16, relu) dropout(0.1) dense(3, softmax)")
        .setOptimizer("adam").setLearningRate(0.01)
        .setEpochs(5).setBatchSize(16).setAveragingFrequency(4).setNumWorkers(2).setSeed(42)))
    val model = pipeline.fit(train)
    val acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(test))
    assert(acc > 0.9, s"accuracy $acc")

    val dir = Files.createTempDirectory("sn-scala").resolve("model").toString
    model.write.overwrite().save(dir)
    val reloaded = PipelineModel.load(dir)
    assert(reloaded.transform(test).select("prediction").collect() sameElements model.transform(test).select("prediction").collect())
    val nn = reloaded.stages.last.asInstanceOf[NeuralClassificationModel]
    assert(nn.trainingLossHistory.length == 5)
  }

  test("ParamGridBuilder tunes layers and learning rate with no extra code") {
    val clf = new NeuralClassifier().setEpochs(2).setBatchSize(16).setLayers("dense(3, softmax)")
    val grid = new ParamGridBuilder()
      .addGrid(clf.layers, Seq("dense(8, relu) dense(3, softmax)", "dense(3, softmax)"))
      .addGrid(clf.learningRate, Array(1e-5, 0.02))
      .build()
    val data = new VectorAssembler().setInputCols(Array("x", "y", "z")).setOutputCol("features").transform(table(400, 3))
    val tvs = new TrainValidationSplit().setEstimator(clf).setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setSeed(7).fit(data)
    assert(tvs.bestModel.asInstanceOf[NeuralClassificationModel].getLearningRate == 0.02)
  }

  test("a regressor predicts a linear target") {
    val s = spark
    import s.implicits._
    val r = new Random(5)
    val df = Seq.fill(500) { val a = r.nextDouble(); val b = r.nextDouble(); (a, b, 3 * a - 2 * b + 1) }.toDF("a", "b", "label")
    val data = new VectorAssembler().setInputCols(Array("a", "b")).setOutputCol("features").transform(df)
    val model = new NeuralRegressor().setLayers("dense(8, relu) dense(1)").setLearningRate(0.02).setBatchSize(8).setEpochs(10).fit(data)
    val rmse = new RegressionEvaluator().evaluate(model.transform(data))
    assert(rmse < 0.2, s"rmse $rmse")
  }
}
