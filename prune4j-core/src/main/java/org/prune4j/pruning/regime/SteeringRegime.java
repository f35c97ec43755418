package org.prune4j.pruning.regime;

import org.prune4j.dependency.DependencyGraph;
import org.prune4j.dependency.Group;
import org.prune4j.model.Model;
import org.prune4j.pruning.Progress;
import org.prune4j.pruning.PruningMethod;
import org.prune4j.pruning.PruningSession;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.train.TrainingContext;
import org.prune4j.train.listener.TrainingListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A regime that steers, while it trains, the channels the structured method would remove: every
 * {@code 1/}{@value #UPDATES_PER_EPOCH} of an epoch it asks the method which channels it would
 * cut now ({@link PruningSession#plannedRemoval()}) and updates its per-channel state (a penalty
 * factor, a probability, a mask); after its epochs the method prunes for real and the recipe's
 * fine-tuning follows.
 */
abstract class SteeringRegime extends NamedRegime {

    static final int UPDATES_PER_EPOCH = 10;

    SteeringRegime(String name, RegimeOptions options) {
        super(name, options);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("regimeEpochs", options.epochs());
        m.put("strength", strength());
        m.put("updatesPerEpoch", UPDATES_PER_EPOCH);
        return m;
    }

    /** The strength in use (the given one or the regime's default). */
    abstract double strength();

    @Override
    public void check(PruningMethod method) {
        requireChannelCriterion(name(), "steers the channels a structured criterion would remove", method);
    }

    /** Refuses a method that cannot say which channels it would remove (not a channel criterion's pruner). */
    static void requireChannelCriterion(String regime, String what, PruningMethod method) {
        if (!(method instanceof StructuredPruner)) {
            throw new IllegalArgumentException("regime '" + regime + "' " + what + "; method '" + method.name()
                    + "' cannot say which those are (use a channel criterion)");
        }
    }

    @Override
    public void run(PruningSession session) {
        session.fineTune(options.epochs(), listener(session));
        session.pruneTo(Progress.done(), null);
        session.fineTune(session.fineTuneEpochs());
    }

    /** What trains with the model during the regime's epochs. */
    abstract Steering listener(PruningSession session);

    /** The regime's listener: calls {@link #update} at the start and at every update interval. */
    abstract static class Steering implements TrainingListener {
        final PruningSession session;
        ChannelSlicing slicing;
        int interval;
        long updatesPlanned;
        long updates;

        Steering(PruningSession session) {
            this.session = session;
        }

        /** Which slices the regime works on: all a channel owns, or only its readers. */
        abstract boolean readersOnly();

        /** Called with the channels the method would remove now. */
        abstract void update(boolean[] chosen);

        @Override
        public void onTrainingBegin(TrainingContext context) {
            start(context.model(), context.epochs(), context.batchesPerEpoch());
        }

        /** Maps the model's channels, plans the updates over {@code epochs} and steers once. */
        void start(Model model, int epochs, int batchesPerEpoch) {
            List<Group> groups = DependencyGraph.of(model.graph()).groups();
            slicing = new ChannelSlicing(model, groups, readersOnly());
            interval = Math.max(1, batchesPerEpoch / UPDATES_PER_EPOCH);
            updatesPlanned = Math.max(1, (long) epochs * batchesPerEpoch / interval);
            steer();
        }

        @Override
        public void onBatchEnd(TrainingContext context, double loss, long correct, int batchSize) {
            if (context.step() % interval == 0) {
                steer();
            }
        }

        void steer() {
            update(slicing.chosen(session.plannedRemoval()));
            updates++;
        }
    }
}
