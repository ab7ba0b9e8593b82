/**
 * Runnable jobs that show the library at work; {@link io.sparkneural.examples.MnistJob} is the one the README
 * runs with {@code mvn -B compile exec:exec}.
 */
package io.sparkneural.examples;
