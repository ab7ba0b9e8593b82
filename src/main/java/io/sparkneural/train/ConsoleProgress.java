package io.sparkneural.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style progress on the driver's console: a line per epoch with its metrics, and with {@code bar} a
 * progress bar over the epoch's averaging rounds, redrawn in place (only where a console is attached).
 */
public final class ConsoleProgress implements TrainingListener {
    private static final int WIDTH = 30;
    /**
     * Set by front ends that redraw a line on a carriage return but are no console to the JVM, such as the Jupyter
     * kernel ({@code io.sparkneural.notebook.JShellKernel}).
     */
    public static final String INTERACTIVE_PROPERTY = "sparkneural.interactive";
    private final PrintStream out;
    private final String name;
    private final boolean bar;
    private int epochs;
    private boolean barShown;

    /**
     * @param name shown at the start of each line, e.g. the stage's uid
     * @param bar  draw a progress bar within epochs
     */
    public ConsoleProgress(PrintStream out, String name, boolean bar) {
        this.out = out;
        this.name = name;
        this.bar = bar;
    }

    /** Whether a redrawn progress bar can be shown: a console is attached, or a notebook front end said so. */
    public static boolean interactive() {
        return System.console() != null || Boolean.getBoolean(INTERACTIVE_PROPERTY);
    }

    @Override
    public void onTrainingStart(int epochs) {
        this.epochs = epochs;
    }

    @Override
    public void onRoundEnd(int epoch, int round, int rounds) {
        if (!bar) return;
        int done = (int) ((long) WIDTH * round / rounds);
        out.print(String.format(Locale.ROOT, "\r%s epoch %d/%d [%s%s] %d/%d", name, epoch, epochs,
                "=".repeat(done), " ".repeat(WIDTH - done), round, rounds));
        out.flush();
        barShown = true;
    }

    @Override
    public void onEpochEnd(EpochRecord r) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s%s epoch %d/%d - %.1fs - %.0f samples/s",
                barShown ? "\r" : "", name, r.epoch(), epochs, r.seconds(), r.samplesPerSecond()));
        for (Map.Entry<String, Double> m : r.metrics().entrySet()) {
            line.append(String.format(Locale.ROOT, " - %s: %.4f", m.getKey(), m.getValue()));
        }
        line.append(String.format(Locale.ROOT, " - lr: %.3g", r.learningRate()));
        if (barShown) line.append(" ".repeat(10)); // clear what is left of the bar
        out.println(line);
        barShown = false;
    }
}
