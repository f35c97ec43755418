package org.prune4j.experiment;

import org.prune4j.pruning.PruningSchedules;
import org.prune4j.sparsity.UnstructuredMethods;
import org.prune4j.train.TrainingRecipe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The runs of a spec in execution order: per model and seed, the dense run first, then every
 * method and budget, then the lottery variants (which train their own dense model).
 */
public final class RunPlan {

    private RunPlan() {}

    public static List<RunSettings> of(BenchSpec spec) {
        List<RunSettings> runs = new ArrayList<>();
        for (String model : spec.models()) {
            Path checkpoint = spec.checkpointOf(model);
            String digest = checkpoint == null ? null : sha256(checkpoint);
            String modelRef = checkpoint == null ? model : checkpoint.toString();
            for (long seed : spec.seeds()) {
                Map<String, Object> pretrain = withSeed(spec.pretrain(), seed);
                Map<String, Object> fineTune = withSeed(spec.fineTune(), seed);
                RunSettings dense = RunSettings.dense(modelRef, digest, spec.data(), spec.trainLimit(), spec.testLimit(),
                        pretrain, seed);
                if (!spec.methods().isEmpty() || !spec.structuredCriteria().isEmpty()) {
                    runs.add(dense);
                }
                Map<String, Object> plainFineTune = spec.equalEpochs() ? equalEpochs(spec, fineTune) : fineTune;
                for (String method : spec.methods()) {
                    boolean nOfM = UnstructuredMethods.get(method).keepRule().fixedFraction();
                    for (Double compression : nOfM ? List.<Double>of() : spec.compressions()) {
                        addWithTwin(runs, spec, unstructured(spec, dense, plainFineTune, method, compression, null));
                        for (Map<String, Object> regime : spec.regimes()) {
                            if (BenchSpec.acceptsMethod(regime, method)) {
                                addWithTwin(runs, spec, unstructured(spec, dense, fineTune, method, compression, regime));
                            }
                        }
                    }
                    if (nOfM) {
                        addWithTwin(runs, spec, unstructured(spec, dense, plainFineTune, method, null, null));
                    }
                }
                List<Map<String, Object>> regimes = new ArrayList<>();
                regimes.add(null); // the schedule alone
                regimes.addAll(spec.regimes());
                for (String criterion : spec.structuredCriteria()) {
                    for (Map<String, Object> regime : regimes) {
                        if (regime != null && !BenchSpec.acceptsCriterion(regime, criterion)) {
                            continue; // e.g. slimming ranks by bn-scale only
                        }
                        for (String allocation : spec.structuredAllocations()) {
                            for (String target : spec.structuredTargets()) {
                                addWithTwin(runs, spec, RunSettings.builder().setKind(RunKind.STRUCTURED)
                                        .setModel(modelRef, digest)
                                        .setData(spec.data(), spec.trainLimit(), spec.testLimit()).setPretrain(pretrain)
                                        .optFineTune(regime == null ? plainFineTune : fineTune).setMethod(criterion)
                                        .optStructured(target, allocation, spec.structuredNormalizer(),
                                                spec.structuredRoundTo())
                                        .optSchedule(spec.schedule(), spec.scheduleSteps()).optRegime(regime)
                                        .optCalibrationBatches(spec.calibrationBatches()).optSeed(seed).build());
                            }
                        }
                    }
                }
                for (Map<String, Object> variant : spec.lottery() == null ? List.<Map<String, Object>>of()
                        : spec.lottery().variants()) {
                    runs.add(RunSettings.builder().setKind(RunKind.LOTTERY).setModel(modelRef, digest)
                            .setData(spec.data(), spec.trainLimit(), spec.testLimit()).setPretrain(pretrain)
                            .setMethod("lottery").optLottery(variant).optSeed(seed).build());
                }
            }
        }
        return runs;
    }

    /**
     * With {@code equal_epochs}: the fine-tuning of pruning runs without a regime lasts as long as the
     * longest regime's training plus fine-tuning, so that every run trains as many epochs.
     */
    private static Map<String, Object> equalEpochs(BenchSpec spec, Map<String, Object> fineTune) {
        int epochs = spec.fineTune().epochs();
        int total = epochs;
        for (Map<String, Object> regime : spec.regimes()) {
            total = Math.max(total, BenchSpec.regimeTotalEpochs(regime, epochs));
        }
        Map<String, Object> equal = new java.util.LinkedHashMap<>(fineTune);
        equal.put("epochs", total);
        return equal;
    }

    /**
     * The run and, with {@code from_scratch}, its twin that trains the same pruned architecture
     * from a new initialization (not for pruning at initialization, which does that already).
     */
    private static void addWithTwin(List<RunSettings> runs, BenchSpec spec, RunSettings run) {
        runs.add(run);
        boolean atInit = run.kind() == RunKind.UNSTRUCTURED && UnstructuredMethods.get(run.method()).atInitialization();
        if (spec.fromScratch() && !atInit) {
            runs.add(run.withRetrain(RunSettings.SCRATCH));
        }
    }

    private static RunSettings unstructured(BenchSpec spec, RunSettings dense, Map<String, Object> fineTune,
            String method, Double compression, Map<String, Object> regime) {
        // what really runs: pruning at initialization and N:M patterns prune in one step whatever the spec says
        boolean oneShot = UnstructuredMethods.get(method).prunesInOneStep();
        return RunSettings.builder().setKind(RunKind.UNSTRUCTURED).setModel(dense.model(), dense.modelDigest())
                .setData(spec.data(), spec.trainLimit(), spec.testLimit()).setPretrain(dense.pretrain())
                .optFineTune(fineTune).setMethod(method).optCompression(compression)
                .optSchedule(oneShot ? PruningSchedules.OneShot.NAME : spec.schedule(), spec.scheduleSteps())
                .optCalibrationBatches(spec.calibrationBatches()).optIncludeClassifier(spec.includeClassifier())
                .optRegime(regime).optSeed(dense.seed()).build();
    }

    private static Map<String, Object> withSeed(TrainingRecipe recipe, long seed) {
        return recipe.withSeed(seed).toMap();
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
