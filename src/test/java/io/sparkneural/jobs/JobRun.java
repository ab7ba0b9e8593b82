package io.sparkneural.jobs;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A job run in this JVM: its exit code and what it printed. */
final class JobRun {
    private final int code;
    private final String out;
    private final String err;

    private JobRun(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    int code() {
        return code;
    }

    String out() {
        return out;
    }

    String err() {
        return err;
    }

    interface Job {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static JobRun of(Job job, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = job.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new JobRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).trim());
    }

    static JobRun train(String... args) {
        return of(TrainJob::run, args);
    }

    static JobRun predict(String... args) {
        return of(PredictJob::run, args);
    }

    @Override
    public String toString() {
        return "exit " + code + "\n" + out + "\n" + err;
    }
}
