package io.sparkneural.datasets;

import java.util.List;

/** The four MNIST IDX files (uncompressed), with the MD5 digest each must have. */
enum MnistFile {
  TRAIN_IMAGES("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb", IdxFile.IMAGES_MAGIC),
  TRAIN_LABELS("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624", IdxFile.LABELS_MAGIC),
  TEST_IMAGES("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea", IdxFile.IMAGES_MAGIC),
  TEST_LABELS("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637", IdxFile.LABELS_MAGIC);

  /** The file's name in the cache folder (and in the npm package's data folder). */
  final String fileName;
  /** MD5 digest of the file's content, 32 lower-case hex digits. */
  final String md5;
  /** The IDX magic number the file starts with. */
  final int magic;

  MnistFile(String fileName, String md5, int magic) {
    this.fileName = fileName;
    this.md5 = md5;
    this.magic = magic;
  }

  static MnistFile images(boolean train) {
    return train ? TRAIN_IMAGES : TEST_IMAGES;
  }

  static MnistFile labels(boolean train) {
    return train ? TRAIN_LABELS : TEST_LABELS;
  }

  /** The four files as (name, MD5) pairs. */
  static List<DataFile> dataFiles() {
    return List.of(values()).stream().map(f -> new DataFile(f.fileName, f.md5)).toList();
  }
}
