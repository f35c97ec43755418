package org.prune4j.evaluation;

import ai.djl.ndarray.types.Shape;

import org.prune4j.data.ImageDataset;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;
import org.prune4j.verification.CertifiedRobustness;
import org.prune4j.verification.IntervalBounds;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a model's behaviour beyond clean accuracy on a labelled test set: calibration,
 * classes, agreement with a reference, dead ReLUs, and the corruption conditions.
 *
 * <pre>{@code
 * BehaviourReport r = BehaviourEvaluation.builder().setModel(pruned).setData("fashion-mnist", test)
 *         .optReference(dense).optConditions(Corruptions.conditions(Corruptions.names(), List.of(1, 3, 5)))
 *         .build().run();
 * }</pre>
 */
public final class BehaviourEvaluation {

    private final Model model;
    private final String dataName;
    private final ImageDataset data;
    private final Model reference;
    private final List<Corruptions.Condition> conditions;
    private final long seed;
    private final int bins;
    private final double leastConfidentFraction;
    private final PredictionsSink sink;
    private final List<Double> certifyRadii;

    private BehaviourEvaluation(Builder b) {
        this.model = b.model;
        this.dataName = b.dataName;
        this.data = b.data;
        this.reference = b.reference;
        this.conditions = List.copyOf(b.conditions);
        this.seed = b.seed;
        this.bins = b.bins;
        this.leastConfidentFraction = b.leastConfidentFraction;
        this.sink = b.sink;
        this.certifyRadii = List.copyOf(b.certifyRadii);
    }

    public static Builder builder() {
        return new Builder();
    }

    public BehaviourReport run() {
        ReluActivity activity = new ReluActivity(model.graph());
        Predictions clean = Predictions.of(model, DataPipeline.evalLoader(dataName, data), activity);
        sink.accept(ConditionResult.CLEAN, clean);
        Predictions ref = reference == null ? null : Predictions.of(reference, DataPipeline.evalLoader(dataName, data));
        List<ConditionResult> results = new ArrayList<>();
        for (Corruptions.Condition c : conditions) {
            ImageDataset shifted = Corruptions.corrupt(data, c.corruption(), c.severity(), seed);
            Predictions p = Predictions.of(model, DataPipeline.evalLoader(dataName, shifted));
            sink.accept(c.label(), p);
            results.add(ConditionResult.of(c.label(), c.corruption().name(), c.severity(),
                    c.corruption().levels()[c.severity() - 1], p, bins));
        }
        List<CertifiedRobustness.Result> certified = new ArrayList<>();
        for (double epsilon : certifyRadii) {
            certified.add(CertifiedRobustness.certify(model, dataName, data, epsilon));
        }
        return report(clean, ref, activity, data, List.copyOf(results), List.copyOf(certified), bins,
                leastConfidentFraction, seed);
    }

    /**
     * The clean-data behaviour from predictions already made (e.g. by a pruning run, whose
     * accuracy comes from the same pass): calibration, classes, agreement with {@code reference}'s
     * predictions when given, dead ReLUs as {@code activity} saw them, fairness when {@code data}
     * has a protected attribute. Default bins and least-confident fraction.
     */
    public static BehaviourReport cleanReport(Predictions clean, Predictions reference, ReluActivity activity,
            ImageDataset data) {
        return report(clean, reference, activity, data, List.of(), List.of(), ReliabilityDiagram.DEFAULT_BINS,
                Agreement.DEFAULT_LEAST_CONFIDENT_FRACTION, 0);
    }

    private static BehaviourReport report(Predictions clean, Predictions reference, ReluActivity activity,
            ImageDataset data, List<ConditionResult> conditions, List<CertifiedRobustness.Result> certified, int bins,
            double leastConfidentFraction, long seed) {
        Agreement agreement = reference == null ? null : Agreement.of(clean, reference, leastConfidentFraction);
        return new BehaviourReport(ConditionResult.of(ConditionResult.CLEAN, null, 0, 0, clean, bins),
                ReliabilityDiagram.of(clean, bins), clean.classAccuracy(), clean.worstClass(), agreement,
                activity.deadRate(), activity.dynamicDeadRate(), activity.deadPerLayer(), conditions, certified,
                data.hasAttributes() ? Fairness.of(clean, data) : null, seed);
    }

    /** Builder; {@code setX} values are required, {@code optX} values have defaults. */
    public static final class Builder {

        private Model model;
        private String dataName;
        private ImageDataset data;
        private Model reference;
        private List<Corruptions.Condition> conditions = List.of();
        private long seed;
        private int bins = ReliabilityDiagram.DEFAULT_BINS;
        private double leastConfidentFraction = Agreement.DEFAULT_LEAST_CONFIDENT_FRACTION;
        private PredictionsSink sink = (condition, p) -> {};
        private List<Double> certifyRadii = List.of();

        private Builder() {}

        /** The model to evaluate (required). */
        public Builder setModel(Model model) {
            this.model = model;
            return this;
        }

        /** The labelled test set and the data set's name, which picks its normalization (required). */
        public Builder setData(String dataName, ImageDataset data) {
            this.dataName = dataName;
            this.data = data;
            return this;
        }

        /** The model to measure agreement with, usually the dense one; default none. */
        public Builder optReference(Model reference) {
            this.reference = reference;
            return this;
        }

        /** The corruption conditions; default none (clean data only). */
        public Builder optConditions(List<Corruptions.Condition> conditions) {
            this.conditions = Objects.requireNonNull(conditions, "conditions");
            return this;
        }

        /** The seed of the random corruptions; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Confidence bins of the reliability diagram and ECE; default 15. */
        public Builder optBins(int bins) {
            this.bins = bins;
            return this;
        }

        /** The share of least confident reference predictions agreement is also reported on; default 0.1. */
        public Builder optLeastConfidentFraction(double fraction) {
            this.leastConfidentFraction = fraction;
            return this;
        }

        /** Receives every condition's predictions (e.g. a {@link PredictionsCsv}); default none. */
        public Builder optPredictionsSink(PredictionsSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** L∞ radii (pixel units) to certify robustness at by interval bounds; default none. */
        public Builder optCertifyRadii(List<Double> radii) {
            this.certifyRadii = Objects.requireNonNull(radii, "radii");
            return this;
        }

        public BehaviourEvaluation build() {
            Objects.requireNonNull(model, "model is required");
            Objects.requireNonNull(data, "data is required");
            Objects.requireNonNull(dataName, "data name is required");
            Shape dataShape = new Shape(data.channels(), data.height(), data.width());
            if (!model.graph().inputShape().equals(dataShape)) {
                throw new IllegalArgumentException("the model expects inputs " + model.graph().inputShape()
                        + " but data set '" + data.name() + "' has " + dataShape);
            }
            long classes = model.graph().outputShape().get(0);
            if (classes != data.numClasses()) {
                throw new IllegalArgumentException("the model has " + classes + " outputs but data set '"
                        + data.name() + "' has " + data.numClasses() + " classes");
            }
            if (reference != null) {
                if (!reference.graph().inputShape().equals(model.graph().inputShape())) {
                    throw new IllegalArgumentException("the reference model expects inputs "
                            + reference.graph().inputShape() + " but the model expects " + model.graph().inputShape());
                }
                if (reference.graph().outputShape().get(0) != classes) {
                    throw new IllegalArgumentException("the reference model has " + reference.graph().outputShape()
                            .get(0) + " classes but the model has " + classes);
                }
            }
            for (double r : certifyRadii) {
                if (!(r >= 0 && r <= 1)) {
                    throw new IllegalArgumentException("a certification radius is in pixel units, 0 to 1, got " + r);
                }
            }
            if (!certifyRadii.isEmpty()) {
                IntervalBounds.checkSupported(model.graph());
            }
            if (bins < 1) {
                throw new IllegalArgumentException("bins must be >= 1 but was " + bins);
            }
            return new BehaviourEvaluation(this);
        }
    }
}
