package io.sparkneural.notebook

import java.io.{ByteArrayOutputStream, OutputStreamWriter, PrintStream}
import java.nio.file.{Files, Path, Paths}

import scala.collection.JavaConverters._
import scala.tools.nsc.Settings
import scala.tools.nsc.interpreter.{IMain, JPrintWriter, Results}

import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.{ArrayNode, ObjectNode}
import org.scalatest.funsuite.AnyFunSuite

/**
 * Runs every %spark paragraph of every Zeppelin note in notebooks/zeppelin, in order, in a Scala 2.12 REPL set up
 * as Zeppelin's Spark interpreter sets itself up (class-based REPL, `spark` and `sc` bound), failing on any error;
 * each paragraph that calls Notebook.show must print a %html image. %md paragraphs are not code and are skipped.
 * Zeppelin's `z` context is not available this way, so the notes do not use it. The notes with their results
 * filled in are written to target/notebooks/zeppelin.
 */
class ZeppelinNotesSuite extends AnyFunSuite {
  private val json = new ObjectMapper()
  private val out = Paths.get("target", "notebooks", "zeppelin")
  private val notes = Files.list(Paths.get("notebooks", "zeppelin")).iterator().asScala
    .filter(_.toString.endsWith(".zpln")).toSeq.sortBy(_.toString)

  test("the Zeppelin notes tell the MNIST pipeline and the LSTM forecast") {
    assert(notes.map(_.getFileName.toString).exists(_.contains("mnist-pipeline")), notes)
    assert(notes.map(_.getFileName.toString).exists(_.contains("lstm-forecast")), notes)
  }

  for (note <- notes) {
    test(s"${note.getFileName} runs every paragraph and draws every chart") {
      run(note)
    }
  }

  private def classPath: String =
    sys.props.getOrElse("surefire.test.class.path", sys.props("java.class.path"))

  private def run(note: Path): Unit = {
    val doc = json.readTree(note.toFile).asInstanceOf[ObjectNode]
    val settings = new Settings()
    settings.processArguments(List("-Yrepl-class-based"), processAll = true)
    settings.classpath.value = classPath
    settings.usejavacp.value = true
    val replOutput = new ByteArrayOutputStream()
    val writer = new JPrintWriter(new OutputStreamWriter(replOutput, "UTF-8"), true)
    val repl = new IMain(settings, writer)
    val (prelude, preludeOutput) = interpret(repl, writer, replOutput, ZeppelinNotesSuite.Prelude)
    assert(prelude == Results.Success, s"the prelude failed:\n$preludeOutput")
    try {
      for ((p, i) <- doc.get("paragraphs").elements().asScala.zipWithIndex) {
        val text = p.get("text").asText()
        val (interpreter, code) = split(text)
        if (interpreter == "spark" || interpreter == "spark.spark") {
          val (result, output) = interpret(repl, writer, replOutput, code)
          record(p.asInstanceOf[ObjectNode], result, output)
          assert(result == Results.Success, s"${note.getFileName} paragraph ${i + 1} failed:\n$code\n---\n$output")
          val shows = "Notebook\\.show\\(".r.findAllIn(code).size
          val images = "(?m)^%html <img".r.findAllIn(output).size
          assert(images == shows,
            s"${note.getFileName} paragraph ${i + 1} calls Notebook.show $shows times but shows $images images")
        } else {
          assert(interpreter == "md", s"${note.getFileName} paragraph ${i + 1}: %$interpreter is not run here")
        }
      }
    } finally {
      interpret(repl, writer, replOutput, "spark.stop()")
      repl.close()
      Files.createDirectories(out)
      json.writerWithDefaultPrettyPrinter().writeValue(out.resolve(note.getFileName).toFile, doc)
    }
  }

  private def split(text: String): (String, String) = {
    val firstLine = text.linesIterator.toSeq.headOption.getOrElse("").trim
    if (firstLine.startsWith("%")) (firstLine.drop(1).trim, text.linesIterator.drop(1).mkString("\n"))
    else ("spark", text)
  }

  /** Interprets code, with what it prints (System.out, Console.out and the REPL's own echo) captured. */
  private def interpret(repl: IMain, writer: JPrintWriter, replOutput: ByteArrayOutputStream,
      code: String): (Results.Result, String) = {
    val captured = new ByteArrayOutputStream()
    val stream = new PrintStream(captured, true, "UTF-8")
    val oldOut = System.out
    System.setOut(stream)
    replOutput.reset()
    val result = try Console.withOut(stream) { repl.interpret(code) } finally System.setOut(oldOut)
    stream.flush()
    writer.flush()
    (result, captured.toString("UTF-8") + replOutput.toString("UTF-8"))
  }

  /** Paragraph results as Zeppelin stores them: a TEXT or HTML message per %html-separated part. */
  private def record(p: ObjectNode, result: Results.Result, output: String): Unit = {
    val results = p.putObject("results")
    results.put("code", if (result == Results.Success) "SUCCESS" else "ERROR")
    val msg: ArrayNode = results.putArray("msg")
    for (part <- output.split("(?m)^(?=%html )") if part.trim.nonEmpty) {
      val m = msg.addObject()
      if (part.startsWith("%html ")) { m.put("type", "HTML"); m.put("data", part.stripPrefix("%html ").trim) }
      else { m.put("type", "TEXT"); m.put("data", part) }
    }
    p.put("status", if (result == Results.Success) "FINISHED" else "ERROR")
  }
}

object ZeppelinNotesSuite {
  /** What Zeppelin's Spark interpreter binds before the first paragraph (without `z`). */
  val Prelude: String =
    """@transient val spark = org.apache.spark.sql.SparkSession.builder().master("local[2]")
      |  .appName("zeppelin note").config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
      |  .getOrCreate()
      |@transient val sc = spark.sparkContext
      |sc.setLogLevel("ERROR")
      |import spark.implicits._
      |""".stripMargin
}
