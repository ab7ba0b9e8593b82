package io.sparkneural.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A learning-rate schedule, applied at epoch boundaries (the rate is constant within an epoch). Parsed from the
 * same call syntax as layers and optimizers:
 * <ul>
 * <li>{@code constant} (default)</li>
 * <li>{@code step(every=10, factor=0.5)}: multiply by factor every {@code every} epochs</li>
 * <li>{@code exponential(rate=0.96)}: multiply by rate after every epoch</li>
 * <li>{@code cosine(warmup=0, min=0)}: optional linear warm-up over {@code warmup} epochs, then cosine decay to
 * {@code min} at the last epoch</li>
 * <li>{@code reduce_on_plateau(factor=0.1, patience=5, min_delta=0.0001, min_lr=0)}: multiply by factor when the
 * monitored metric (Param earlyStoppingMonitor) has not improved for {@code patience} epochs</li>
 * </ul>
 * Unused fields hold NaN.
 */
public record ScheduleSpec(String name, double every, double factor, double rate, double warmup, double min,
                           double patience, double minDelta, double minLr) implements Serializable {

    private static final double NONE = Double.NaN;
    private static final NumberRule SHRINK = new NumberRule("in (0, 1)", false, v -> v > 0 && v < 1);
    private static final Param<Double> EVERY = Param.number("every", NumberRule.POSITIVE_INT, 10);
    private static final Param<Double> FACTOR = Param.number("factor", SHRINK, 0.5);
    private static final Param<Double> PLATEAU_FACTOR = Param.number("factor", SHRINK, 0.1);
    private static final Param<Double> RATE = Param.number("rate", SHRINK, 0.96);
    private static final Param<Double> WARMUP = Param.number("warmup", NumberRule.NON_NEGATIVE, 0);
    private static final Param<Double> MIN = Param.number("min", NumberRule.NON_NEGATIVE, 0);
    private static final Param<Double> PATIENCE = Param.number("patience", NumberRule.POSITIVE_INT, 5);
    private static final Param<Double> MIN_DELTA = Param.number("min_delta", NumberRule.NON_NEGATIVE, 1e-4);
    private static final Param<Double> MIN_LR = Param.number("min_lr", NumberRule.NON_NEGATIVE, 0);

    private static final Catalog<ScheduleSpec> CATALOG = new Catalog<>("learning-rate schedule", ScheduleSpec::name, List.of(
            new Signature<ScheduleSpec>("constant", "constant", List.of(),
                    args -> constant(), s -> List.of()),
            new Signature<ScheduleSpec>("step", "step(every=10, factor=0.5)", List.of(EVERY, FACTOR),
                    args -> step(args.get(EVERY).intValue(), args.get(FACTOR)), s -> List.of(s.every, s.factor)),
            new Signature<ScheduleSpec>("exponential", "exponential(rate=0.96)", List.of(RATE),
                    args -> exponential(args.get(RATE)), s -> List.of(s.rate)),
            new Signature<ScheduleSpec>("cosine", "cosine(warmup=2, min=0)", List.of(WARMUP, MIN),
                    args -> cosine(args.get(WARMUP).intValue(), args.get(MIN)), s -> List.of(s.warmup, s.min)),
            new Signature<ScheduleSpec>("reduce_on_plateau", "reduce_on_plateau(factor=0.1, patience=5)",
                    List.of(PLATEAU_FACTOR, PATIENCE, MIN_DELTA, MIN_LR),
                    args -> reduceOnPlateau(args.get(PLATEAU_FACTOR), args.get(PATIENCE).intValue(), args.get(MIN_DELTA),
                            args.get(MIN_LR)),
                    s -> List.of(s.factor, s.patience, s.minDelta, s.minLr))),
            Map.of());

    public ScheduleSpec {
        String canonical = name == null ? null : CATALOG.canonical(name);
        if (canonical == null) throw CATALOG.unknown(name);
        name = canonical;
    }

    /** @throws SpecParseException with the position of the offending token */
    public static ScheduleSpec parse(String text) {
        Call call = CallParser.parseCall(text == null ? "" : text, "learning-rate schedule");
        if (call == null) {
            throw SpecParseException.empty("the learning-rate schedule is empty: expected one of "
                    + String.join(", ", CATALOG.names()) + ", e.g. constant or step(every=10, factor=0.5)");
        }
        return CATALOG.build(call);
    }

    public static ScheduleSpec constant() {
        return new ScheduleSpec("constant", NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE);
    }

    public static ScheduleSpec step(int every, double factor) {
        return new ScheduleSpec("step", every, factor, NONE, NONE, NONE, NONE, NONE, NONE);
    }

    public static ScheduleSpec exponential(double rate) {
        return new ScheduleSpec("exponential", NONE, NONE, rate, NONE, NONE, NONE, NONE, NONE);
    }

    public static ScheduleSpec cosine(int warmup, double min) {
        return new ScheduleSpec("cosine", NONE, NONE, NONE, warmup, min, NONE, NONE, NONE);
    }

    public static ScheduleSpec reduceOnPlateau(double factor, int patience, double minDelta, double minLr) {
        return new ScheduleSpec("reduce_on_plateau", NONE, factor, NONE, NONE, NONE, patience, minDelta, minLr);
    }

    /** True for {@code reduce_on_plateau}, whose rate depends on the monitored metric. */
    public boolean isPlateau() {
        return name.equals("reduce_on_plateau");
    }

    /**
     * The rate for a 1-based {@code epoch} of {@code epochs}, for the schedules that depend on the epoch only.
     *
     * @param base the learning rate Param
     */
    public double rateAt(double base, int epoch, int epochs) {
        int e = epoch - 1; // epochs completed before this one
        return switch (name) {
            case "step" -> base * Math.pow(factor, Math.floor(e / every));
            case "exponential" -> base * Math.pow(rate, e);
            case "cosine" -> {
                if (e < warmup) yield base * (e + 1) / (warmup + 1);
                double span = Math.max(1, epochs - 1 - warmup);
                double progress = Math.min(1, (e - warmup) / span);
                yield min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
            }
            default -> base;
        };
    }

    public String toText() {
        return CATALOG.toText(this);
    }
}
