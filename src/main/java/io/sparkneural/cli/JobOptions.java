package io.sparkneural.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line options of a job: {@code --name value} (or {@code --name=value}) options with defaults, and
 * {@code --name} flags. Declare them, then {@link #parse} the arguments; {@link #help} lists them with defaults.
 */
public final class JobOptions {
  /** A wrong command line: an unknown option, a missing or malformed value. Its message is one line. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  private record Option(String name, String defaultValue, String description, boolean flag, boolean repeated) {}

  private final Map<String, Option> options = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, java.util.List<String>> lists = new LinkedHashMap<>();

  /** Declares {@code --name value}, worth {@code defaultValue} when not given. */
  public JobOptions option(String name, String defaultValue, String description) {
    options.put(name, new Option(name, defaultValue, description, false, false));
    return this;
  }

  /** Declares the flag {@code --name}, false unless given. */
  public JobOptions flag(String name, String description) {
    options.put(name, new Option(name, "false", description, true, false));
    return this;
  }

  /** Declares {@code --name value} that may be given any number of times; see {@link #strings}. */
  public JobOptions repeated(String name, String description) {
    options.put(name, new Option(name, "", description, false, true));
    return this;
  }

  /** True when the arguments ask for help ({@code --help} or {@code -h}) anywhere. */
  public static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** Reads the arguments; options not given keep their defaults. */
  public JobOptions parse(String[] args) throws UsageException {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "' (options are --name value; see --help)");
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      Option option = options.get(name);
      if (option == null) {
        throw new UsageException("unknown option --" + name + " (see --help)");
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (option.flag()) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException("option --" + name + " needs a value");
      }
      if (option.repeated()) {
        lists.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
      } else {
        values.put(name, value);
      }
    }
    return this;
  }

  /** The option's value as given, else its default. */
  public String string(String name) {
    Option option = options.get(name);
    if (option == null) {
      throw new IllegalArgumentException("undeclared option --" + name);
    }
    return values.getOrDefault(name, option.defaultValue());
  }

  /** Every value given for a repeated option, in order. */
  public java.util.List<String> strings(String name) {
    return lists.getOrDefault(name, java.util.List.of());
  }

  /** Whether the flag was given. */
  public boolean flagSet(String name) {
    return Boolean.parseBoolean(string(name));
  }

  /** The option as an int of at least {@code min}. */
  public int integer(String name, int min) throws UsageException {
    int value;
    try {
      value = Integer.parseInt(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " needs an integer, but got '" + string(name) + "'");
    }
    if (value < min) {
      throw new UsageException("option --" + name + " must be at least " + min + ", but got " + value);
    }
    return value;
  }

  /** The option as a comma-separated list of ints, each at least {@code min}. */
  public java.util.List<Integer> integers(String name, int min) throws UsageException {
    java.util.List<Integer> list = new java.util.ArrayList<>();
    for (String part : string(name).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int value;
      try {
        value = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw new UsageException("option --" + name + " needs integers, but got '" + part.trim() + "'");
      }
      if (value < min) {
        throw new UsageException("option --" + name + " must be at least " + min + ", but got " + value);
      }
      list.add(value);
    }
    if (list.isEmpty()) {
      throw new UsageException("option --" + name + " needs at least one integer");
    }
    return list;
  }

  /** The option as a number in (0, 1]. */
  public double fraction(String name) throws UsageException {
    double value;
    try {
      value = Double.parseDouble(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " needs a number, but got '" + string(name) + "'");
    }
    if (!(value > 0 && value <= 1)) {
      throw new UsageException("option --" + name + " must be in (0, 1], but got " + string(name));
    }
    return value;
  }

  /** The option as a long. */
  public long longValue(String name) throws UsageException {
    try {
      return Long.parseLong(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " needs an integer, but got '" + string(name) + "'");
    }
  }

  /** The option as a positive, finite double. */
  public double positiveDouble(String name) throws UsageException {
    double value;
    try {
      value = Double.parseDouble(string(name).trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " needs a number, but got '" + string(name) + "'");
    }
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new UsageException("option --" + name + " must be a positive number, but got " + string(name));
    }
    return value;
  }

  /** The usage text: a synopsis line, then one line per option with its default. */
  public String help(String synopsis) {
    StringBuilder text = new StringBuilder(synopsis).append(System.lineSeparator()).append(System.lineSeparator());
    text.append("Options:").append(System.lineSeparator());
    for (Option option : options.values()) {
      String left = option.flag() ? "--" + option.name() : "--" + option.name() + " <value>";
      String def = option.flag() || option.repeated() ? "" : " (default: " + option.defaultValue() + ")";
      text.append(String.format(Locale.ROOT, "  %-30s %s%s%n", left, option.description(), def));
    }
    text.append(String.format(Locale.ROOT, "  %-30s %s%n", "--help", "print this help and exit"));
    return text.toString();
  }
}
