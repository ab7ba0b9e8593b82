package io.sparkneural.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's Markdown report: a preamble, then one section per benchmark with its tables and notes. Sections
 * appear sorted by heading, so headings numbered as the issue numbers the benchmarks ("1. ...", "5b. ...") come out
 * in that order whatever order they ran in; unnumbered headings come last.
 */
final class Report {
  /** One section: a heading, then tables and paragraphs in the order added. */
  static final class Section {
    private final String title;
    private final List<String> blocks = new ArrayList<>();

    private Section(String title) {
      this.title = title;
    }

    /** Adds a table; each row has one cell per header. */
    Section table(List<String> headers, List<List<String>> rows) {
      StringBuilder t = new StringBuilder();
      t.append("| ").append(String.join(" | ", headers)).append(" |\n");
      t.append("|").append("---|".repeat(headers.size())).append('\n');
      for (List<String> row : rows) {
        t.append("| ").append(String.join(" | ", row)).append(" |\n");
      }
      blocks.add(t.toString());
      return this;
    }

    /** Adds a paragraph. */
    Section note(String text) {
      blocks.add(text + "\n");
      return this;
    }

    String markdown() {
      return "## " + title + "\n\n" + String.join("\n", blocks);
    }
  }

  private final String title;
  private final List<String> preamble = new ArrayList<>();
  private final List<Section> sections = new ArrayList<>();

  Report(String title) {
    this.title = title;
  }

  /** Adds a line to the preamble (below the title). */
  void preamble(String line) {
    preamble.add(line);
  }

  /** Starts a new section. */
  Section section(String heading) {
    Section s = new Section(heading);
    sections.add(s);
    return s;
  }

  String markdown() {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    preamble.forEach(line -> md.append(line).append('\n'));
    sections.stream().sorted(Comparator.comparing((Section s) -> s.title))
        .forEach(s -> md.append('\n').append(s.markdown()));
    return md.toString();
  }

  /** Writes the report as it stands (so a run that fails half-way still leaves its finished sections). */
  void write(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // the analysis and the GPU figures (from submit/gpu-check.sh on a GPU machine) are written by hand: keep them
    String kept = "";
    if (Files.exists(path)) {
      String old = Files.readString(path, StandardCharsets.UTF_8);
      int at = -1;
      for (String heading : KEPT_SECTIONS) {
        int i = old.indexOf(heading);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
        }
      }
      if (at >= 0) {
        kept = System.lineSeparator() + old.substring(at);
      }
    }
    Files.writeString(path, markdown() + kept, StandardCharsets.UTF_8);
  }

  /** Headings of the hand-written sections a rewrite keeps: from the first found to the end of the file. */
  static final List<String> KEPT_SECTIONS = List.of("## Analysis", "## GPU (CUDA backend)");

  /** A row of cells. */
  static List<String> row(String... cells) {
    return Arrays.asList(cells);
  }

  /** {@code value} with {@code decimals} decimals, or "-" for NaN. */
  static String number(double value, int decimals) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  /** A count with thousands separators, e.g. 11,700. */
  static String count(double value) {
    return number(value, 0);
  }

  /** A ratio such as "1.25x", or "-". */
  static String ratio(double value) {
    return Double.isNaN(value) || Double.isInfinite(value) ? "-" : String.format(Locale.ROOT, "%.2fx", value);
  }

  /** A fraction as a percentage, e.g. "2.7%". */
  static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  /** An accuracy with four decimals. */
  static String accuracy(double value) {
    return number(value, 4);
  }

  /** Seconds with one decimal. */
  static String seconds(double value) {
    return number(value, 1);
  }
}
