package io.sparkneural.notebook;

import io.sparkneural.train.ConsoleProgress;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.history.HistoryManager;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * A Jupyter kernel for Java: each cell runs in JShell, in this JVM (so the JVM's {@code --add-opens}, memory
 * settings and class path apply to the cells, as Spark needs), with spark-neural, Spark and XChart importable.
 * {@code System.out} and {@code System.err} reach the notebook while a cell runs, so training progress shows live;
 * {@link Notebook#show} puts images inline.
 *
 * <p>Started by Jupyter through the kernel spec that {@code notebooks/install-kernel.sh} writes:
 * {@code java <flags> -cp <class path> io.sparkneural.notebook.JShellKernel <connection file>}.
 *
 * <p>Maven Central has only the protocol half of a Java kernel (JJava's {@code jjava-jupyter}); the evaluation
 * half is this class.
 */
public final class JShellKernel extends BaseKernel {
  /** Imported into every notebook, so cells read like the README's examples. */
  static final List<String> IMPORTS = List.of("java.util.*", "java.util.stream.*", "org.apache.spark.sql.*",
      "org.apache.spark.sql.functions", "org.apache.spark.ml.*", "org.apache.spark.ml.feature.*",
      "org.apache.spark.ml.evaluation.*", "org.apache.spark.ml.tuning.*", "org.apache.spark.ml.linalg.*",
      "io.sparkneural.ml.*", "io.sparkneural.notebook.*", "io.sparkneural.datasets.*", "org.knowm.xchart.*",
      // a single-type import wins over java.util.Vector from java.util.*
      "org.apache.spark.ml.linalg.Vector", "org.apache.spark.ml.param.ParamMap");

  private final JShell shell;

  private JShellKernel(JupyterIO io) {
    super("spark-neural-java", version(), new LanguageInfo("java", System.getProperty("java.version"),
        "text/x-java-source", ".jshell", "java", "java", "java"), List.of(), new HistoryManager() {},
        io, new CommManager(), new Renderer(), new MagicParser("(?<=(?:^|=))\\s*%", "%%", new MagicTranspiler()),
        new MagicsRegistry(), false, new StringStyler.Builder().build());
    this.shell = newShell(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
    Notebook.attach(this::displayPng);
  }

  /**
   * A JShell that runs snippets in this JVM ("local" engine: the JVM's flags apply to them, and they share its
   * classes) and compiles against the given class path, which JShell does not take from the JVM by itself.
   */
  static JShell newShell(List<String> classPath) {
    JShell shell = JShell.builder().executionEngine("local").build();
    for (String entry : classPath) {
      if (!entry.isEmpty()) shell.addToClasspath(entry);
    }
    for (String imp : IMPORTS) {
      shell.eval("import " + imp + ";");
    }
    return shell;
  }

  private static String version() {
    String v = JShellKernel.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private void displayPng(byte[] png, int width, int height) {
    DisplayData data = new DisplayData();
    data.putData("image/png", Base64.getEncoder().encodeToString(png));
    data.putData("text/plain", String.format(Locale.ROOT, "<image %dx%d>", width, height));
    display(data);
  }

  @Override
  public Object evalRaw(String code) {
    return run(shell, code);
  }

  /**
   * Runs a cell snippet by snippet, as JShell splits it.
   *
   * @return the text of the last expression's value, or null when the cell ends in a statement or declaration
   * @throws CellException for code that does not compile (with the compiler's messages) or that throws
   */
  static String run(JShell shell, String code) {
    String remaining = code;
    String value = null;
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
      if (!info.completeness().isComplete()) {
        throw new CellException("incomplete code at the end of the cell: " + remaining.strip());
      }
      remaining = info.remaining();
      value = null;
      for (SnippetEvent event : shell.eval(info.source())) {
        if (event.causeSnippet() != null) continue; // an update of a dependent snippet, not this one
        JShellException thrown = event.exception();
        if (thrown != null) {
          throw CellException.of(thrown, event.snippet());
        }
        if (event.status() == Snippet.Status.REJECTED || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
          throw new CellException(diagnostics(shell, event.snippet()));
        }
        value = shownValue(event);
      }
    }
    return value;
  }

  /** The value a cell shows, as Jupyter shows it: that of a last expression, unless it ends in ';'. */
  private static String shownValue(SnippetEvent event) {
    Snippet s = event.snippet();
    if (s.source().strip().endsWith(";")) return null;
    if (s.kind() == Snippet.Kind.EXPRESSION) return event.value();
    if (s instanceof VarSnippet && s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
      return "void".equals(((VarSnippet) s).typeName()) ? null : event.value();
    }
    return null;
  }

  private static String diagnostics(JShell shell, Snippet snippet) {
    List<Diag> diags = shell.diagnostics(snippet).collect(Collectors.toList());
    if (diags.isEmpty()) {
      String unresolved = snippet instanceof DeclarationSnippet
          ? shell.unresolvedDependencies((DeclarationSnippet) snippet).collect(Collectors.joining(", ")) : "";
      return (unresolved.isEmpty() ? "cannot run this snippet" : "cannot define this snippet: it refers to undefined "
          + unresolved) + "\n" + snippet.source();
    }
    StringBuilder text = new StringBuilder();
    String source = snippet.source();
    for (Diag d : diags) {
      int start = (int) Math.max(0, d.getStartPosition());
      int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
      int lineEnd = source.indexOf('\n', start);
      String line = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
      text.append(d.isError() ? "error: " : "warning: ").append(d.getMessage(Locale.ROOT)).append('\n')
          .append(line).append('\n').append(" ".repeat(Math.max(0, start - lineStart))).append("^\n");
    }
    return text.toString().stripTrailing();
  }

  @Override
  public List<String> formatError(Throwable e) {
    List<String> lines = new ArrayList<>();
    lines.add(e.getMessage() == null ? e.toString() : e.getMessage());
    if (e instanceof CellException && ((CellException) e).userStack()) {
      for (StackTraceElement frame : e.getStackTrace()) {
        lines.add("\tat " + frame);
      }
    }
    return lines;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    return null;
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().collect(Collectors.toList());
    return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    SourceCodeAnalysis.Completeness c = shell.sourceCodeAnalysis().analyzeCompletion(code).completeness();
    if (c == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) return IS_COMPLETE_MAYBE;
    if (c == SourceCodeAnalysis.Completeness.UNKNOWN) return IS_COMPLETE_BAD;
    return IS_COMPLETE_YES;
  }

  @Override
  public void interrupt() {
    shell.stop();
  }

  @Override
  public void onShutdown(boolean restart) {
    // a Spark session a notebook left open has non-daemon threads that would keep the kernel alive
    try {
      shell.eval("org.apache.spark.sql.SparkSession.active().stop();");
    } catch (RuntimeException ignored) {
      // no session, or already stopped
    }
    shell.close();
  }

  /** A failed cell: compiler messages, or the exception the cell's code threw with the cell's stack frames. */
  static final class CellException extends RuntimeException {
    private final boolean userStack;

    CellException(String message) {
      super(message);
      this.userStack = false;
      setStackTrace(new StackTraceElement[0]); // the kernel's own frames say nothing about the cell
    }

    private CellException(String message, StackTraceElement[] stack) {
      super(message);
      this.userStack = true;
      setStackTrace(stack);
    }

    boolean userStack() {
      return userStack;
    }

    static CellException of(JShellException thrown, Snippet snippet) {
      if (thrown instanceof UnresolvedReferenceException) {
        return new CellException("the cell uses something not defined yet: " + snippet.source().strip());
      }
      String type = thrown instanceof EvalException ? ((EvalException) thrown).getExceptionClassName()
          : thrown.getClass().getName();
      StringBuilder message = new StringBuilder(type);
      if (thrown.getMessage() != null) message.append(": ").append(thrown.getMessage());
      for (Throwable cause = thrown.getCause(); cause != null; cause = cause.getCause()) {
        String causeType = cause instanceof EvalException ? ((EvalException) cause).getExceptionClassName()
            : cause.getClass().getName();
        message.append("\nCaused by: ").append(causeType);
        if (cause.getMessage() != null) message.append(": ").append(cause.getMessage());
      }
      return new CellException(message.toString(), thrown.getStackTrace());
    }
  }

  /** Jupyter starts the kernel with the path of its connection file. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: JShellKernel <connection file>   (Jupyter passes it as {connection_file})");
      System.exit(2);
    }
    String json = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    JupyterConnection connection = new JupyterConnection(KernelConnectionProperties.parse(json));
    // notebooks redraw a line on '\r': training shows its bar over each epoch's averaging rounds, as in a console
    System.setProperty(ConsoleProgress.INTERACTIVE_PROPERTY, "true");
    JShellKernel kernel = new JShellKernel(new JupyterIO(StandardCharsets.UTF_8));
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    System.exit(0);
  }
}
