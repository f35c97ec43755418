package org.prune4j.cli;

import org.prune4j.data.DataSets;
import org.prune4j.data.DatasetNotFoundException;
import org.prune4j.data.ImageDataset;
import org.prune4j.evaluation.BehaviourEvaluation;
import org.prune4j.evaluation.BehaviourReport;
import org.prune4j.evaluation.ConditionResult;
import org.prune4j.evaluation.Corruption;
import org.prune4j.evaluation.Corruptions;
import org.prune4j.evaluation.PredictionsCsv;
import org.prune4j.metrics.JacobianSpectrum;
import org.prune4j.model.Model;
import org.prune4j.report.BehaviourCharts;
import org.prune4j.train.DataPipeline;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j evaluate}: behaviour beyond test accuracy — calibration, classes, agreement with
 * a reference, dead ReLUs, and accuracy under corruptions at each severity.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model beyond accuracy: corruptions, calibration, agreement, classes, dead ReLUs.")
final class EvaluateCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, description = "Checkpoint, ONNX file or run directory "
            + "(a zoo name evaluates an untrained model, for trying the command).")
    String model;

    @Option(names = "--reference", description = "The model to measure agreement with, usually the dense one.")
    String reference;

    @Option(names = "--data", description = "Data set (default: the one the model was trained on, else fashion-mnist).")
    String data;

    @Option(names = "--data-dir")
    Path dataDir;

    @Option(names = "--corruptions", split = ",", paramLabel = "NAME",
            description = "Corruptions to apply (default: all; 'none' for clean data only): ${COMPLETION-CANDIDATES}.",
            completionCandidates = CorruptionNames.class)
    List<String> corruptions;

    @Option(names = "--severities", split = ",", defaultValue = "1,2,3,4,5", paramLabel = "S",
            description = "Severities 1-5 (default: ${DEFAULT-VALUE}).")
    List<Integer> severities;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random corruptions (default: 0).")
    long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate on the first N test examples only.")
    Integer limit;

    @Option(names = "--bins", defaultValue = "15", description = "Confidence bins for ECE (default: 15).")
    int bins;

    @Option(names = "--certify", split = ",", paramLabel = "EPS",
            description = "Certify robustness by interval bounds at these L-infinity radii (pixel units, e.g. 0.004).")
    List<Double> certify = List.of();

    @Option(names = "--jacobian", paramLabel = "N", description = "Also the singular values of the input-output "
            + "Jacobian on the first N test examples (dynamical isometry: near 1 is healthy), for the model and the "
            + "reference.")
    Integer jacobian;

    @Option(names = "--predictions", paramLabel = "CSV",
            description = "Write condition,index,label,predicted,p0..pK-1 for every example and condition.")
    Path predictions;

    @Option(names = "--plots", paramLabel = "DIR",
            description = "Write reliability.png and accuracy-vs-severity.png into DIR.")
    Path plots;

    private String testSetName;
    private ImageDataset testSet;

    @Override
    public Integer call() {
        common.applyEngineSettings();
        List<Corruptions.Condition> conditions = Corruptions.conditions(corruptionNames(), severities);
        try (Model m = open(model); Model ref = reference == null ? null : open(reference)) {
            String dataName = data != null ? data : ModelArgument.trainedOn(m.provenance());
            ImageDataset test = labelledTestSet(dataName);
            long start = System.nanoTime();
            BehaviourEvaluation.Builder b = BehaviourEvaluation.builder().setModel(m).setData(dataName, test)
                    .optReference(ref).optConditions(conditions).optSeed(seed).optBins(bins).optCertifyRadii(certify);
            BehaviourReport r;
            if (predictions != null) {
                try (PredictionsCsv csv = new PredictionsCsv(predictions)) {
                    r = b.optPredictionsSink(csv).build().run();
                }
            } else {
                r = b.build().run();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("reference", reference);
            out.put("data", dataName);
            out.put("samples", test.size());
            out.putAll(r.toMap());
            out.put("seconds", (System.nanoTime() - start) / 1e9);
            if (plots != null) {
                out.put("plots", writePlots(r).stream().map(Path::toString).toList());
            }
            StringBuilder text = new StringBuilder(r.toText());
            if (jacobian != null) {
                if (jacobian <= 0) {
                    throw new IllegalArgumentException("--jacobian must be positive, got " + jacobian);
                }
                Map<String, Object> spectra = new LinkedHashMap<>();
                for (Model which : ref == null ? List.of(m) : List.of(m, ref)) {
                    JacobianSpectrum s = JacobianSpectrum.of(which, DataPipeline.evalLoader(dataName, test), jacobian);
                    String label = which == m ? "model" : "reference";
                    spectra.put(label, s.toMap());
                    text.append(String.format("%nJacobian singular values (%s, %d examples): mean %.4f, sd %.4f, "
                            + "min %.4f, max %.4f", label, s.examples(), s.mean(), s.std(), s.min(), s.max()));
                }
                out.put("jacobian", spectra);
            }
            System.out.println(common.json ? CommonOptions.toJson(out) : text);
        }
        return 0;
    }

    private List<String> corruptionNames() {
        if (corruptions == null) {
            return Corruptions.names();
        }
        return corruptions.equals(List.of("none")) ? List.of() : corruptions;
    }

    /** A saved model, or for a zoo name an untrained one shaped like the data. */
    private Model open(String value) {
        if (!ModelArgument.isZooName(value)) {
            return ModelArgument.load(value);
        }
        ImageDataset shape = labelledTestSet(data != null ? data : "fashion-mnist");
        ZooOptions options = new ZooOptions(shape.channels(), shape.height(), shape.numClasses(), 1.0);
        return Model.builder().setGraph(ModelZoo.build(value, options)).optSeed(seed).build();
    }

    private ImageDataset labelledTestSet(String dataName) {
        if (testSet != null && testSetName.equals(dataName)) {
            return testSet;
        }
        ImageDataset test;
        try {
            test = DataSets.load(dataName, dataDir, DataSets.Split.TEST);
        } catch (DatasetNotFoundException e) {
            throw new IllegalArgumentException("evaluate needs the labelled test split of '" + dataName + "': "
                    + e.getMessage(), e);
        }
        if (limit != null) {
            if (limit <= 0) {
                throw new IllegalArgumentException("--limit must be positive, got " + limit);
            }
            test = test.slice(0, Math.min(limit, test.size()));
        }
        testSetName = dataName;
        testSet = test;
        return test;
    }

    private List<Path> writePlots(BehaviourReport r) {
        Path reliability = BehaviourCharts.savePng(BehaviourCharts.reliability("reliability, clean test set",
                Map.of(model, r.reliability())), plots, "reliability");
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (ConditionResult c : r.conditions()) {
            double[] curve = curves.computeIfAbsent(c.corruption(), k -> {
                double[] a = new double[Corruption.MAX_SEVERITY + 1];
                java.util.Arrays.fill(a, Double.NaN);
                a[0] = r.clean().top1();
                return a;
            });
            curve[c.severity()] = c.top1();
        }
        Path severity = BehaviourCharts.savePng(BehaviourCharts.severity("accuracy under corruption", curves), plots,
                "accuracy-vs-severity");
        return List.of(reliability, severity);
    }

    /** For picocli's help: the corruption names. */
    static final class CorruptionNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Corruptions.names().iterator();
        }
    }
}
