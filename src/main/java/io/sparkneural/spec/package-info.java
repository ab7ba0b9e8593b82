/**
 * The network specification: what layers a network has, with which activation, loss and optimizer,
 * as immutable values that know nothing of Spark or DL4J.
 *
 * <p>Users write a compact Keras-like text, parsed by {@link io.sparkneural.spec.NetworkSpec#parse}:
 * <pre>
 *   dense(64, relu) dropout(0.2) dense(32, relu, l2=0.001) dropout(0.2) dense(10, softmax)
 * </pre>
 * and, for images and sequences:
 * <pre>
 *   conv2d(32, 3x3, relu) maxpool2d(2x2) conv2d(64, 3x3, relu) flatten dense(64, relu) dense(10, softmax)
 *   embedding(10000, 64) bidirectional(lstm(64, return_sequences=true)) lstm(32) dense(1, sigmoid)
 * </pre>
 * Layers are separated by whitespace, newlines, ',' or '-&gt;'. Each layer is a call: a type name,
 * then optionally positional arguments followed by {@code name=value} keyword arguments; a layer that
 * needs no arguments may be written as its bare name ({@code flatten}). Values are numbers (64, 0.2,
 * 1e-4), names (relu, true), sizes (3x3) or nested calls (leaky_relu(0.01), lstm(64)). Names are
 * case-insensitive. The same specification has a JSON form for storage. The layers and their arguments
 * are listed on {@link io.sparkneural.spec.NetworkSpec#parse}; whether consecutive layers fit each
 * other's shapes is checked where the network is built, not here.
 *
 * <p>Internally, text and JSON are both read into a small generic call tree ({@code Call},
 * {@code Value}), which {@code Signature}s turn into records; the layer signatures live in
 * {@code LayerCatalog}. Every error is a {@link io.sparkneural.spec.SpecParseException} giving the
 * line and column of the offending token.
 */
package io.sparkneural.spec;
