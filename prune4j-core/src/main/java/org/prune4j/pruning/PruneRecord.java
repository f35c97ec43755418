package org.prune4j.pruning;

import org.prune4j.criterion.Calibration;
import org.prune4j.model.Model;
import org.prune4j.model.Provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "prune" record a pruning leaves in its model's provenance: the method's settings, the
 * calibration its criterion saw (if any) and how far it has come. One record per pruning,
 * replaced in place while nothing else (training between steps) was recorded after it.
 */
public final class PruneRecord {

    private Provenance recorded;

    /** Records the pruning's state after a step; {@code calibration} is null when the criterion used no data. */
    public void update(Model model, PruningMethod method, Calibration calibration, double progress, int steps) {
        update(model, method, calibration, progress, steps, Map.of());
    }

    /** As {@link #update(Model, PruningMethod, Calibration, double, int)}, with the criterion's report of its last step. */
    public void update(Model model, PruningMethod method, Calibration calibration, double progress, int steps,
            Map<String, Object> criterionReport) {
        update(model, method, calibration, progress, steps, criterionReport, Map.of());
    }

    /** As above, with what the allocation measured (sensitivity curves, gradient ranks, cost shares). */
    public void update(Model model, PruningMethod method, Calibration calibration, double progress, int steps,
            Map<String, Object> criterionReport, Map<String, Object> allocationReport) {
        Provenance parent = recorded != null && model.provenance() == recorded ? recorded.parent()
                : model.provenance();
        Map<String, Object> settings = new LinkedHashMap<>(method.settings());
        if (calibration != null) {
            settings.put("calibrationBatches", calibration.batches());
        }
        settings.put("progress", progress);
        settings.put("steps", steps);
        if (!criterionReport.isEmpty()) {
            settings.put("criterionReport", criterionReport);
        }
        if (!allocationReport.isEmpty()) {
            settings.put("allocationReport", allocationReport);
        }
        recorded = Provenance.of("prune", settings, parent);
        model.setProvenance(recorded);
    }
}
