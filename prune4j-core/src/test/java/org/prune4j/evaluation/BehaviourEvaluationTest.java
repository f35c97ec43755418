package org.prune4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.FlattenOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.Evaluator;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class BehaviourEvaluationTest {

    private static final ImageDataset TEST = SyntheticImages.builder().setNumSamples(96).setShape(1, 12, 12)
            .setNumClasses(4).optSeed(1).build();
    private static final ZooOptions SMALL = new ZooOptions(1, 12, 4, 0.5);

    @Test
    void aModelAgreesWithItselfAndItsCleanAccuracyIsTheEvaluatorsAccuracy() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", SMALL)).optSeed(0).build()) {
            BehaviourReport r = BehaviourEvaluation.builder().setModel(model).setData("synthetic", TEST)
                    .optReference(model).build().run();
            assertThat(r.agreement().overall()).isEqualTo(1.0);
            assertThat(r.agreement().leastConfident()).isEqualTo(1.0);
            assertThat(r.clean().top1()).isCloseTo(
                    Evaluator.evaluate(model, DataPipeline.evalLoader("synthetic", TEST)).top1(), within(1e-12));
            assertThat(r.clean().nll()).isCloseTo(
                    Evaluator.evaluate(model, DataPipeline.evalLoader("synthetic", TEST)).loss(), within(1e-4));
            assertThat(r.classAccuracy()).hasSize(4);
            assertThat(r.classAccuracy()[r.worstClass()]).isEqualTo(
                    java.util.Arrays.stream(r.classAccuracy()).min().orElseThrow());
        }
    }

    @Test
    void onePassOfPredictionsGivesTheEvaluatorsAccuracyTopFiveAndLoss() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("lenet5", new ZooOptions(1, 12, 10, 0.5)))
                .optSeed(3).build()) {
            ImageDataset tenClasses = SyntheticImages.builder().setNumSamples(200).setShape(1, 12, 12).setNumClasses(10)
                    .optSeed(4).build();
            var expected = Evaluator.evaluate(model, DataPipeline.evalLoader("synthetic", tenClasses));
            var fromPredictions = Predictions.of(model, DataPipeline.evalLoader("synthetic", tenClasses)).evalResult();
            assertThat(fromPredictions.top1()).isEqualTo(expected.top1());
            assertThat(fromPredictions.top5()).isEqualTo(expected.top5());
            assertThat(fromPredictions.loss()).isCloseTo(expected.loss(), within(1e-4));
            assertThat(fromPredictions.samples()).isEqualTo(expected.samples());
        }
    }

    @Test
    void aReluUnitThatIsNeverPositiveCountsAsDead() {
        Graph graph = Graph.builder().setInput("x", new Shape(1, 12, 12)).add("flatten", new FlattenOp(), "x")
                .add("fc1", new LinearOp(3), "flatten").add("relu1", ActivationOp.relu(), "fc1")
                .add("fc2", new LinearOp(4), "relu1").setOutput("fc2").build();
        try (Model model = Model.builder().setGraph(graph).optSeed(0).build()) {
            NDManager m = model.manager();
            float[] weight = new float[3 * 144];
            java.util.Arrays.fill(weight, 0, 144, 1f); // unit 0: the sum of the pixels
            model.parameter("fc1", "weight").setValue(m.create(weight, new Shape(3, 144)));
            // unit 1: always -1000 (dead); unit 2: always 1
            model.parameter("fc1", "bias").setValue(m.create(new float[] {0f, -1000f, 1f}));
            BehaviourReport r = BehaviourEvaluation.builder().setModel(model).setData("synthetic", TEST).build().run();
            assertThat(r.deadPerLayer()).containsEntry("relu1", 1);
            assertThat(r.deadNeuronRate()).isCloseTo(1 / 3.0, within(1e-12));
        }
    }

    @Test
    void everyConditionIsEvaluatedAndItsPredictionsExportedOneRowPerExample(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("p.csv");
        List<String> seen = new ArrayList<>();
        try (Model model = Model.builder().setGraph(ModelZoo.build("mlp", SMALL)).optSeed(0).build();
                PredictionsCsv out = new PredictionsCsv(csv)) {
            BehaviourReport r = BehaviourEvaluation.builder().setModel(model).setData("synthetic", TEST)
                    .optConditions(Corruptions.conditions(List.of("rotation", "contrast"), List.of(1, 5)))
                    .optPredictionsSink((condition, p) -> {
                        seen.add(condition);
                        out.accept(condition, p);
                    }).build().run();
            assertThat(seen).containsExactly("clean", "rotation@1", "rotation@5", "contrast@1", "contrast@5");
            assertThat(r.conditions()).extracting(ConditionResult::condition)
                    .containsExactly("rotation@1", "rotation@5", "contrast@1", "contrast@5");
            assertThat(r.condition("contrast@5").level()).isEqualTo(0.15);
            out.close();
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(1 + 5 * TEST.size());
            assertThat(lines.get(0)).isEqualTo("condition,index,label,predicted,p0,p1,p2,p3");
            // the clean accuracy recomputed from the file
            long right = lines.stream().skip(1).map(l -> l.split(","))
                    .filter(f -> f[0].equals("clean") && f[2].equals(f[3])).count();
            assertThat(right / (double) TEST.size()).isCloseTo(r.clean().top1(), within(1e-12));
        }
    }

    @Test
    void aReferenceOrDataOfAnotherShapeOrClassCountIsRefused() {
        try (Model model = Model.builder().setGraph(ModelZoo.build("mlp", SMALL)).build();
                Model sixClasses = Model.builder().setGraph(ModelZoo.build("mlp", new ZooOptions(1, 12, 6, 0.5))).build();
                Model wider = Model.builder().setGraph(ModelZoo.build("mlp", new ZooOptions(1, 14, 4, 0.5))).build()) {
            assertThatThrownBy(() -> BehaviourEvaluation.builder().setModel(model).setData("synthetic", TEST)
                    .optReference(sixClasses).build()).hasMessageContaining("reference model has 6 classes")
                    .hasMessageContaining("model has 4");
            assertThatThrownBy(() -> BehaviourEvaluation.builder().setModel(model).setData("synthetic", TEST)
                    .optReference(wider).build()).hasMessageContaining("reference model expects inputs (1, 14, 14)");
            assertThatThrownBy(() -> BehaviourEvaluation.builder().setModel(wider).setData("synthetic", TEST)
                    .build()).hasMessageContaining("data set").hasMessageContaining("(1, 12, 12)");
            assertThatThrownBy(() -> BehaviourEvaluation.builder().setModel(sixClasses).setData("synthetic", TEST)
                    .build()).hasMessageContaining("6 outputs").hasMessageContaining("4 classes");
        }
    }
}
