package io.sparkneural.ml;

import org.apache.spark.ml.util.Identifiable$;

/**
 * Gives a Java stage its uid before the Scala super-constructors need it. Spark's traits create their Params
 * (labelCol, featuresCol, ...) inside the super-constructor, reading {@code uid()} then; a Java field is still
 * null at that point. A {@code (String uid)} constructor therefore parks the uid here and the stage's
 * {@code uid()} picks it up on its first call.
 */
final class StageUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private StageUid() {}

    /** Parks {@code uid} for the constructor about to run on this thread. */
    static String park(String uid) {
        PENDING.set(uid);
        return uid;
    }

    /** The parked uid (consumed), or a fresh random one with the given prefix. */
    static String take(String prefix) {
        String uid = PENDING.get();
        PENDING.remove();
        return uid != null ? uid : Identifiable$.MODULE$.randomUID(prefix);
    }
}
