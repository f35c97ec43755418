package org.prune4j.pruning;

import org.prune4j.plugin.Plugins;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The pruning schedules by name: {@code oneshot}, {@code iterative} and {@code agp}, and
 * whatever {@link #register} or a {@link org.prune4j.plugin.Prune4jPlugin} adds. A name and its
 * {@link Options} make a schedule.
 */
public final class PruningSchedules {

    /** What a named schedule may use: steps and fine-tuning epochs between them. */
    public record Options(int steps, int epochsBetweenSteps) {

        public Options {
            if (steps < 1 || epochsBetweenSteps < 0) {
                throw new IllegalArgumentException("a schedule needs steps >= 1 and epochs between steps >= 0, got "
                        + steps + " and " + epochsBetweenSteps);
            }
        }
    }

    /** Makes a schedule from its options. */
    @FunctionalInterface
    public interface Factory {
        PruningSchedule create(Options options);
    }

    private static final Map<String, Factory> FACTORIES = new LinkedHashMap<>();

    static {
        FACTORIES.put(OneShot.NAME, o -> new OneShot());
        FACTORIES.put(Iterative.NAME, o -> new Iterative(o.steps(), o.epochsBetweenSteps()));
        FACTORIES.put(Gradual.NAME, o -> new Gradual());
        FACTORIES.put(Entangled.NAME, o -> new Entangled());
    }

    private PruningSchedules() {}

    public static void register(String name, Factory factory) {
        Plugins.load();
        synchronized (PruningSchedules.class) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9-]*") || factory == null) {
                throw new IllegalArgumentException("a schedule needs a name of lower case letters, digits and dashes and "
                        + "a factory, got '" + name + "'");
            }
            if (FACTORIES.containsKey(name)) {
                throw new IllegalArgumentException("a pruning schedule named '" + name + "' exists already");
            }
            FACTORIES.put(name, factory);
        }
    }

    public static List<String> names() {
        Plugins.load();
        synchronized (PruningSchedules.class) {
            return new ArrayList<>(FACTORIES.keySet());
        }
    }

    public static PruningSchedule create(String name, Options options) {
        Plugins.load();
        synchronized (PruningSchedules.class) {
            Factory f = FACTORIES.get(name.toLowerCase(Locale.ROOT));
            if (f == null) {
                throw new IllegalArgumentException("unknown pruning schedule '" + name + "'; known are " + names());
            }
            return f.create(options);
        }
    }

    /** Prune to the budget at once, then fine-tune. */
    public static final class OneShot implements PruningSchedule {

        public static final String NAME = "oneshot";

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of();
        }

        @Override
        public void run(PruningSession session) {
            session.pruneTo(Progress.done(), null);
            session.fineTune(session.fineTuneEpochs());
        }
    }

    /**
     * Prune in {@code steps} steps, each removing the same fraction of what is left, with
     * {@code epochsBetween} epochs of fine-tuning after every step but the last, and the recipe's
     * epochs after the last (the bench sets both to the recipe's epochs: fine-tune after every step).
     */
    public static final class Iterative implements PruningSchedule {

        public static final String NAME = "iterative";
        private final int steps;
        private final int epochsBetween;

        public Iterative(int steps, int epochsBetween) {
            new Options(steps, epochsBetween); // checks
            this.steps = steps;
            this.epochsBetween = epochsBetween;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("steps", steps, "epochsBetweenSteps", epochsBetween);
        }

        @Override
        public void run(PruningSession session) {
            for (int step = 1; step <= steps; step++) {
                session.pruneTo(Progress.geometric(step / (double) steps), null);
                session.fineTune(step < steps ? epochsBetween : session.fineTuneEpochs());
            }
        }
    }

    /**
     * Gradual pruning while fine-tuning, with the cubic schedule of Zhu &amp; Gupta (2017, "AGP"):
     * from the first step to 75% of the training steps, 20 pruning events (every
     * {@code end / 20} steps, and at the end step); after that the model only trains.
     */
    public static final class Gradual extends WhileFineTuning {

        public static final String NAME = "agp";
        static final double END_FRACTION = 0.75;
        static final int EVENTS = 20;

        public Gradual() {
            super(NAME, END_FRACTION, EVENTS, Progress::cubic);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of();
        }
    }

    /**
     * SInGE's entangled pruning and fine-tuning (Yvinec et al., NeurIPS 2022): many small pruning
     * steps, each re-scoring the channels and removing the same share of what is left, with a few
     * fine-tuning batches between them, over the first half of fine-tuning; then the model only
     * trains. AGP's loop with the paper's even steps instead of the cubic curve.
     */
    public static final class Entangled extends WhileFineTuning {

        public static final String NAME = "singe";
        static final double END_FRACTION = 0.5;
        static final int EVENTS = 20;

        public Entangled() {
            super(NAME, END_FRACTION, EVENTS, Progress::geometric);
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("events", EVENTS, "endFraction", END_FRACTION);
        }
    }

    /**
     * Prunes from inside fine-tuning: {@code events} times (every {@code end / events} batches,
     * and at the end batch) until {@code endFraction} of the training batches, to the progress
     * {@code curve} gives for the share of that part done; then the model only trains.
     */
    abstract static class WhileFineTuning implements PruningSchedule {

        private final String name;
        private final double endFraction;
        private final int events;
        private final DoubleFunction<Progress> curve;

        WhileFineTuning(String name, double endFraction, int events, DoubleFunction<Progress> curve) {
            this.name = name;
            this.endFraction = endFraction;
            this.events = events;
            this.curve = curve;
        }

        @Override
        public String name() {
            return name;
        }

        /** It prunes from inside fine-tuning: without an epoch it would prune nothing. */
        @Override
        public void check(int fineTuneEpochs) {
            if (fineTuneEpochs < 1) {
                throw new IllegalArgumentException("the " + name + " schedule prunes while it fine-tunes and needs at "
                        + "least one fine-tuning epoch, got " + fineTuneEpochs);
            }
        }

        @Override
        public void run(PruningSession session) {
            session.fineTune(session.fineTuneEpochs(), new TrainingListener() {
                private long end;
                private int frequency;

                @Override
                public void onTrainingBegin(TrainingContext context) {
                    long total = (long) context.epochs() * context.batchesPerEpoch();
                    end = Math.max(1, Math.min(total, Math.round(total * endFraction)));
                    frequency = (int) Math.max(1, end / events);
                }

                @Override
                public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
                    long step = context.step(); // steps taken so far, this one included
                    if (step <= end && (step % frequency == 0 || step == end)) {
                        session.pruneTo(curve.apply(Math.min(1, step / (double) end)), context.optimizer());
                    }
                }
            });
        }
    }
}
