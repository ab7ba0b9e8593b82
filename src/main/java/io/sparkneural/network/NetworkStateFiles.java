package io.sparkneural.network;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link NetworkState} as files in a folder of any Hadoop file system: {@code network.json} (DL4J's
 * configuration), {@code params.bin} and {@code updater.bin} (floats after a magic number and a count). Plain data:
 * reading runs no code from the files. Shared by saved models and training checkpoints.
 */
public final class NetworkStateFiles {
    private static final int FLOATS_MAGIC = 0x534E4631; // "SNF1"

    private NetworkStateFiles() {}

    public static void write(FileSystem fs, Path dir, NetworkState state) throws IOException {
        writeText(fs, new Path(dir, "network.json"), state.configurationJson());
        writeFloats(fs, new Path(dir, "params.bin"), state.params());
        writeFloats(fs, new Path(dir, "updater.bin"), state.updaterState());
    }

    /** @throws IOException naming the file that is missing, truncated or not of this format */
    public static NetworkState read(FileSystem fs, Path dir) throws IOException {
        return new NetworkState(readText(fs, new Path(dir, "network.json")), readFloats(fs, new Path(dir, "params.bin")),
                readFloats(fs, new Path(dir, "updater.bin")));
    }

    public static void writeText(FileSystem fs, Path file, String text) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    public static String readText(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) throw new IOException("data file " + file.getName() + " is missing");
        try (FSDataInputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void writeFloats(FileSystem fs, Path file, float[] values) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fs.create(file, true)))) {
            out.writeInt(FLOATS_MAGIC);
            out.writeInt(values.length);
            for (float v : values) out.writeFloat(v);
        }
    }

    private static float[] readFloats(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) throw new IOException("data file " + file.getName() + " is missing");
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(fs.open(file)))) {
            if (in.readInt() != FLOATS_MAGIC) {
                throw new IOException(file.getName() + " is not a spark-neural float file (bad header)");
            }
            int n = in.readInt();
            float[] values = new float[n];
            for (int i = 0; i < n; i++) values[i] = in.readFloat();
            if (in.read() != -1) throw new IOException(file.getName() + " has data past its declared " + n + " values");
            return values;
        } catch (EOFException e) {
            throw new IOException(file.getName() + " is truncated", e);
        }
    }
}
