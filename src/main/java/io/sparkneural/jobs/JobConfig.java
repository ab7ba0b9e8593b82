package io.sparkneural.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's configuration file (HOCON, which includes JSON; read by Typesafe Config), with typed reads that name the
 * key and the allowed values when something is wrong, and a check that every key given is one the job knows.
 */
public final class JobConfig {
  /** A configuration the job cannot run with. The message is one line and names the key. */
  public static final class BadConfig extends Exception {
    private static final long serialVersionUID = 1L;

    public BadConfig(String message) {
      super(message);
    }
  }

  private final Config config;
  private final String origin;

  private JobConfig(Config config, String origin) {
    this.config = config;
    this.origin = origin;
  }

  /**
   * Reads {@code file}, then applies {@code overrides} ({@code key=value} in HOCON, e.g.
   * {@code pipeline.params.epochs=2}) on top of it. Environment variables are substituted where the file says
   * {@code ${?NAME}}.
   */
  public static JobConfig load(File file, List<String> overrides) throws BadConfig {
    if (!file.isFile()) {
      throw new BadConfig("configuration file " + file + " does not exist");
    }
    try {
      Config base = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)
          .setSyntax(file.getName().endsWith(".json") ? ConfigSyntax.JSON : ConfigSyntax.CONF));
      Config top = ConfigFactory.empty();
      for (String o : overrides) {
        if (!o.contains("=")) {
          throw new BadConfig("--set needs key=value, but was '" + o + "'");
        }
        top = ConfigFactory.parseString(o, ConfigParseOptions.defaults().setOriginDescription("--set " + o))
            .withFallback(top);
      }
      Config resolved = top.withFallback(base).resolveWith(ConfigFactory.systemEnvironment());
      return new JobConfig(resolved, file.toString());
    } catch (ConfigException e) {
      throw new BadConfig(oneLine(e));
    }
  }

  private static String oneLine(ConfigException e) {
    return e.getMessage().replace('\n', ' ');
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  /**
   * Fails on the first key that is not under one of {@code known} (exact keys, or prefixes ending in {@code .*}
   * whose children are free), suggesting the nearest known key: a typo must not silently fall back to a default.
   */
  public void requireOnly(Collection<String> known) throws BadConfig {
    Set<String> keys = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      keys.add(String.join(".", ConfigUtil.splitPath(e.getKey())));
    }
    for (String key : keys) {
      if (!isKnown(key, known)) {
        String nearest = nearest(key, known);
        throw new BadConfig("unknown key " + key + " in " + origin
            + (nearest == null ? "" : "; did you mean " + nearest + "?") + " (see --help for the keys)");
      }
    }
  }

  private static boolean isKnown(String key, Collection<String> known) {
    for (String k : known) {
      if (k.endsWith(".*") ? key.startsWith(k.substring(0, k.length() - 1)) : key.equals(k)) {
        return true;
      }
    }
    return false;
  }

  private static String nearest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      String candidate = k.endsWith(".*") ? k.substring(0, k.length() - 2) : k;
      int d = io.sparkneural.spec.Suggestions.distance(key, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  public String string(String key, String defaultValue) throws BadConfig {
    if (!config.hasPath(key)) {
      return defaultValue;
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw new BadConfig(key + " must be a single value, but was " + v.render(ConfigRenderOptions.concise()));
    }
    return String.valueOf(v.unwrapped());
  }

  /** A required text value. */
  public String string(String key) throws BadConfig {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw new BadConfig("missing key " + key + " in " + origin);
    }
    return value;
  }

  /** One of {@code allowed} (case-insensitive), in lower case. */
  public String choice(String key, String defaultValue, String... allowed) throws BadConfig {
    String value = string(key, defaultValue);
    if (value == null) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (!Arrays.asList(allowed).contains(lower)) {
      throw new BadConfig(key + " must be one of " + String.join(", ", allowed) + ", but was '" + value + "'");
    }
    return lower;
  }

  public int integer(String key, int defaultValue, int min) throws BadConfig {
    if (!config.hasPath(key)) {
      return defaultValue;
    }
    int value;
    try {
      value = config.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new BadConfig(key + " must be a whole number, but was " + render(key));
    }
    if (value < min) {
      throw new BadConfig(key + " must be at least " + min + ", but was " + value);
    }
    return value;
  }

  /** A fraction in (0, 1). */
  public double fraction(String key, double defaultValue) throws BadConfig {
    if (!config.hasPath(key)) {
      return defaultValue;
    }
    double value;
    try {
      value = config.getDouble(key);
    } catch (ConfigException.WrongType e) {
      throw new BadConfig(key + " must be a number between 0 and 1, but was " + render(key));
    }
    if (!(value > 0 && value < 1)) {
      throw new BadConfig(key + " must be between 0 and 1 (exclusive), but was " + value);
    }
    return value;
  }

  public long longValue(String key, long defaultValue) throws BadConfig {
    if (!config.hasPath(key)) {
      return defaultValue;
    }
    try {
      return config.getLong(key);
    } catch (ConfigException.WrongType e) {
      throw new BadConfig(key + " must be a whole number, but was " + render(key));
    }
  }

  public boolean bool(String key, boolean defaultValue) throws BadConfig {
    if (!config.hasPath(key)) {
      return defaultValue;
    }
    try {
      return config.getBoolean(key);
    } catch (ConfigException.WrongType e) {
      throw new BadConfig(key + " must be true or false, but was " + render(key));
    }
  }

  /** A list of names, also accepted as one comma-separated string. */
  public List<String> names(String key) throws BadConfig {
    if (!config.hasPath(key)) {
      return List.of();
    }
    ConfigValue v = config.getValue(key);
    List<String> out = new ArrayList<>();
    if (v.valueType() == ConfigValueType.LIST) {
      for (Object o : config.getList(key).unwrapped()) {
        if (o instanceof Map || o instanceof List) {
          throw new BadConfig(key + " must be a list of column names, but was " + render(key));
        }
        out.add(String.valueOf(o).strip());
      }
    } else if (v.valueType() == ConfigValueType.STRING) {
      for (String s : ((String) v.unwrapped()).split(",")) {
        if (!s.isBlank()) {
          out.add(s.strip());
        }
      }
    } else {
      throw new BadConfig(key + " must be a list of column names, but was " + render(key));
    }
    return out;
  }

  /** The entries under {@code key} as (child key, value rendered as JSON), in key order. */
  public Map<String, String> jsonEntries(String key) throws BadConfig {
    return entries(key, v -> v.render(ConfigRenderOptions.concise()));
  }

  /** The entries under {@code key} as plain strings (reader options, Spark settings). */
  public Map<String, String> stringEntries(String key) throws BadConfig {
    return entries(key, v -> String.valueOf(v.unwrapped()));
  }

  private Map<String, String> entries(String key, java.util.function.Function<ConfigValue, String> text)
      throws BadConfig {
    Map<String, String> out = new java.util.TreeMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    if (config.getValue(key).valueType() != ConfigValueType.OBJECT) {
      throw new BadConfig(key + " must be an object of key = value settings, but was " + render(key));
    }
    for (Map.Entry<String, ConfigValue> e : config.getConfig(key).entrySet()) {
      out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), text.apply(e.getValue()));
    }
    return out;
  }

  private String render(String key) {
    return config.getValue(key).render(ConfigRenderOptions.concise());
  }

  /** The whole configuration as JSON, written next to the results so a run can be repeated. */
  public String toJson() {
    return config.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }
}
