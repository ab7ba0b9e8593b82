package io.sparkneural.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataCacheTest {
  private final String saved = System.getProperty(DataCache.DIR_PROPERTY);

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(DataCache.DIR_PROPERTY);
    } else {
      System.setProperty(DataCache.DIR_PROPERTY, saved);
    }
  }

  @Test
  void systemPropertyWins() {
    System.setProperty(DataCache.DIR_PROPERTY, "/data/neural");
    assertEquals(Path.of("/data/neural"), DataCache.root());
    assertEquals(Path.of("/data/neural/mnist"), Mnist.defaultDir());
  }

  @Test
  void defaultIsUnderTheUserCacheUnlessTheEnvironmentSaysOtherwise() {
    System.clearProperty(DataCache.DIR_PROPERTY);
    String env = System.getenv(DataCache.DIR_ENV);
    Path expected = env == null || env.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "spark-neural")
        : Path.of(env.trim()).toAbsolutePath();
    assertEquals(expected, DataCache.root());
    assertEquals(expected.resolve("mnist"), Mnist.defaultDir());
  }
}
