package org.prune4j.pruning;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.ParameterState;
import org.prune4j.train.listener.TrainingListener;

import java.util.List;
import java.util.Map;

/**
 * A way to prune and a budget: a criterion, an allocation (how the budget is shared, keep rule) and the amount to
 * remove. {@link org.prune4j.pruning.StructuredPruner} and
 * {@link org.prune4j.sparsity.UnstructuredPruner} are the two kinds; a {@link PruningSchedule}
 * decides when each part of the budget is pruned.
 */
public interface PruningMethod {

    PruningKind kind();

    /** The criterion's or method's registry name, e.g. {@code l1} or {@code global-magnitude}. */
    String name();

    /** Criterion, allocation, budget and the rest, for provenance. */
    Map<String, Object> settings();

    /**
     * Whether the method prunes a fresh initialization instead of a trained model (SNIP, GraSP,
     * SynFlow), which is then trained with the dense recipe.
     */
    default boolean atInitialization() {
        return false;
    }

    /** Whether choosing what to prune needs calibration batches (a data-free run refuses such a method). */
    boolean usesData();

    /** Why {@link #usesData()}, for the error of a data-free run. */
    default String whyData() {
        return "'" + name() + "' needs calibration data to choose what to prune";
    }

    /**
     * Whether the method can only prune in one step, at once (pruning at initialization, N:M
     * patterns): it runs with the one-shot schedule only.
     */
    default boolean oneStepOnly() {
        return atInitialization();
    }

    /**
     * Starts pruning {@code model}; {@code calibration} (may be null) is for data-driven
     * criteria. The returned pruning remembers the model's original size.
     */
    Pruning begin(Model model, Calibration calibration);

    /** A pruning in progress on one model. */
    interface Pruning extends AutoCloseable {

        /**
         * Prunes further, until {@code progress} of the budget is removed; {@code state} (an
         * optimizer's, may be null) loses the same slices. Records itself in the model's provenance.
         */
        PruningStep pruneTo(Progress progress, ParameterState state);

        /**
         * The channels the method would remove now to reach its whole budget, without removing
         * them: what regimes that prune while training steer toward. Structured methods only.
         */
        default Map<org.prune4j.dependency.Group, int[]> plan() {
            throw new UnsupportedOperationException("this pruning cannot say which channels it would remove");
        }

        /** What training needs to keep removed weights removed (masks for unstructured pruning). */
        default List<TrainingListener> duringTraining() {
            return List.of();
        }

        /** Frees what the pruning holds (masks). */
        @Override
        default void close() {}
    }
}
