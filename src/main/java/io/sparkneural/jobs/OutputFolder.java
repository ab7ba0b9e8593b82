package io.sparkneural.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A job's output folder on any Hadoop file system (local, HDFS, S3A): small files written whole. */
final class OutputFolder {
  private final Path root;
  private final FileSystem fs;

  private OutputFolder(Path root, FileSystem fs) {
    this.root = root;
    this.fs = fs;
  }

  /**
   * Opens {@code path}; an existing non-empty folder is refused unless {@code overwrite}, so a run never mixes its
   * files with an older run's.
   */
  static OutputFolder open(String path, boolean overwrite, Configuration conf) throws IOException, JobConfig.BadConfig {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(conf);
    if (fs.exists(root)) {
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new JobConfig.BadConfig("output.path " + path + " is a file, not a folder");
      }
      if (fs.listStatus(root).length > 0) {
        if (!overwrite) {
          throw new JobConfig.BadConfig("output.path " + path + " already holds files; set output.overwrite = true "
              + "to replace them, or choose another folder");
        }
        fs.delete(root, true);
      }
    }
    fs.mkdirs(root);
    return new OutputFolder(fs.makeQualified(root), fs);
  }

  String path(String name) {
    return new Path(root, name).toString();
  }

  void write(String name, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(new Path(root, name), true)) {
      out.write(bytes);
    }
  }

  void write(String name, String text) throws IOException {
    write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
