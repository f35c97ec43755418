package org.prune4j.pruning;

import org.prune4j.criterion.Calibration;
import org.prune4j.engine.Engines;
import org.prune4j.graph.Node;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.model.Model;
import org.prune4j.model.Parameter;
import org.prune4j.model.ParameterState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link EigenDamage} as a pruning method ({@code eigendamage}): one step, from calibration data.
 * A {@code ratio=R} target removes that share of every layer's eigen directions; a
 * {@code macs=Nx}, {@code params=Nx} or {@code memory=Nx} target the smallest share (to 1/256) that meets it, the
 * extra 1×1 layers counted. The model is re-parameterized in place; an optimizer's state for the
 * replaced layers is dropped (they are new parameters).
 */
public final class EigenDamagePruner implements PruningMethod {

    public static final String NAME = "eigendamage";
    private final PruningTarget target;

    private EigenDamagePruner(Builder b) {
        this.target = b.target;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean usesData() {
        return true; // Kronecker factors of activations and gradients
    }

    @Override
    public PruningKind kind() {
        return PruningKind.STRUCTURED;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean oneStepOnly() {
        return true;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("criterion", NAME);
        m.put("target", target.toString());
        return m;
    }

    @Override
    public Pruning begin(Model model, Calibration calibration) {
        if (calibration == null) {
            throw new IllegalArgumentException("eigendamage needs calibration data (its K-FAC factors come from "
                    + "training batches): give the run data, or --data on the command line");
        }
        return new Pruning() {
            private final PruneRecord record = new PruneRecord();

            @Override
            public PruningStep pruneTo(Progress progress, ParameterState state) {
                ModelSummary before = ModelSummary.of(model.graph());
                if (!progress.complete()) {
                    throw new IllegalStateException("eigendamage prunes in one step, to the whole budget");
                }
                List<Node> layers = EigenDamage.layers(model.graph());
                Map<String, EigenDamage.Layer> bases =
                        EigenDamage.eigenbases(model, EigenDamage.factors(model, layers, calibration));
                double share = share(model, bases, before);
                try (Model result = EigenDamage.inEigenbases(model, bases, share)) {
                    adopt(model, result);
                }
                record.update(model, EigenDamagePruner.this, calibration, 1, 1);
                ModelSummary after = ModelSummary.of(model.graph());
                return new PruningStep(1, 1, before.macs(), after.macs(), before.parameters(), after.parameters(),
                        layers.size());
            }

            @Override
            public void close() {}
        };
    }

    /** The share of eigen directions to remove: the target's ratio, or the smallest share meeting its ceiling. */
    private double share(Model model, Map<String, EigenDamage.Layer> bases, ModelSummary before) {
        if (target.kind() == PruningTarget.Kind.RATIO) {
            return target.value();
        }
        double ceiling = target.measure(before) / target.value();
        double low = 0;
        double high = 255 / 256.0;
        if (size(model, bases, high) > ceiling) {
            throw new IllegalArgumentException("eigendamage cannot reach " + target + ": removing 255/256 of every "
                    + "layer's eigen directions still leaves " + (long) size(model, bases, high) + " (ceiling "
                    + (long) ceiling + ")");
        }
        while (high - low > 1 / 256.0) {
            double mid = (low + high) / 2;
            if (size(model, bases, mid) <= ceiling) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    /** The MACs or parameters at {@code share}, from the re-parameterized graph alone. */
    private double size(Model model, Map<String, EigenDamage.Layer> bases, double share) {
        ModelSummary s = ModelSummary.of(EigenDamage.graph(model.graph(), bases, share));
        return target.measure(s);
    }

    /** Gives {@code model} the structure and (copied) parameters of {@code result}. */
    private static void adopt(Model model, Model result) {
        Map<String, Map<String, Parameter>> params = new LinkedHashMap<>();
        for (Node n : result.graph().nodes()) {
            Map<String, Parameter> own = new LinkedHashMap<>();
            for (Parameter p : result.parametersOf(n.name()).values()) {
                own.put(p.name(), model.newParameter(n.name(), p.name(), p.trainable(),
                        Engines.denseCopy(model.manager(), p.value())));
            }
            params.put(n.name(), own);
        }
        model.setStructure(result.graph(), params);
    }

    /** {@code setTarget} is required. */
    public static final class Builder {
        private PruningTarget target;

        public Builder setTarget(PruningTarget target) {
            this.target = target;
            return this;
        }

        public EigenDamagePruner build() {
            if (target == null) {
                throw new IllegalArgumentException("eigendamage needs a target (ratio=R, macs=Nx, params=Nx or memory=Nx)");
            }
            return new EigenDamagePruner(this);
        }
    }
}
