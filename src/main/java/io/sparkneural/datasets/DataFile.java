package io.sparkneural.datasets;

/**
 * A file of a data set, by name, with the MD5 digest its content must have.
 *
 * @param name the file's name in the data set's cache folder
 * @param md5 the expected MD5 digest, 32 hex digits
 */
record DataFile(String name, String md5) {
  @Override
  public String toString() {
    return name + " (MD5 " + md5 + ")";
  }
}
