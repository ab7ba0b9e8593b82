package io.sparkneural.persist;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of the libraries a model was made with, read from the jars themselves. */
public final class Versions {
    private Versions() {}

    public static String spark() {
        return org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    public static String dl4j() {
        return pomVersion("/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties");
    }

    public static String sparkNeural() {
        return pomVersion("/spark-neural-version.properties");
    }

    private static String pomVersion(String resource) {
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
