package org.prune4j;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.metrics.SparsityStats;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.BatchNormOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.GlobalAvgPoolOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.dependency.DependencyGraph;
import org.prune4j.metrics.ModelSummary;
import org.prune4j.pruning.PruningTarget;
import org.prune4j.pruning.StructuredPruner;
import org.prune4j.model.Checkpoint;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.train.optim.Optimizer;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The README's Java examples, run as written (synthetic data in place of Fashion-MNIST). */
class ReadmeExampleTest {

    @Test
    void behaviourBeyondAccuracyRunsAsWritten() {
        ImageDataset test = org.prune4j.data.DataSets.load("synthetic", null, org.prune4j.data.DataSets.Split.TEST);
        try (Model dense = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(0).build();
                Model pruned = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).optSeed(1)
                        .build()) {
            org.prune4j.evaluation.BehaviourReport r = org.prune4j.evaluation.BehaviourEvaluation.builder()
                    .setModel(pruned).setData("synthetic", test)
                    .optReference(dense)
                    .optConditions(org.prune4j.evaluation.Corruptions.conditions(
                            org.prune4j.evaluation.Corruptions.names(), java.util.List.of(1, 3, 5)))
                    .optCertifyRadii(java.util.List.of(0.001))
                    .build().run();
            assertThat(r.toText()).contains("agreement with reference", "rotation@5", "certified at eps 0.0010");
            assertThat(r.conditions()).hasSize(24);
        }
    }

    @TempDir
    Path dir;

    @Test
    void trainingExampleRunsAndSavesACheckpoint() {
        Graph graph = ModelZoo.build("resnet20", ZooOptions.fashionMnist().withWidth(0.25));
        assertThat(ModelSummary.of(graph).toTable()).contains("total:");

        ImageDataset train = SyntheticImages.builder().setNumSamples(256).setShape(1, 28, 28).setNumClasses(10).build();
        TrainingRecipe recipe = TrainingRecipe.defaults(1, 0);
        try (Model model = Model.builder().setGraph(graph).optSeed(0).build();
                Optimizer sgd = recipe.newOptimizer()) {
            DataLoader loader = DataPipeline.trainLoader("synthetic", train, recipe);
            Trainer.builder().setModel(model).setOptimizer(sgd)
                    .setSchedule(recipe.newSchedule(loader.batchesPerEpoch()))
                    .build().fit(loader, null, recipe.epochs());
            Checkpoint.save(model, dir.resolve("r20/model.p4j"));
        }
        assertThat(Files.exists(dir.resolve("r20/model.p4j"))).isTrue();
    }

    @Test
    void pruningExampleShrinksTheModel() {
        Path file = dir.resolve("r20/model.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("resnet20", ZooOptions.fashionMnist())).build()) {
            Checkpoint.save(m, file);
        }
        try (Model model = Checkpoint.load(file)) {
            long before = ModelSummary.of(model.graph()).macs();
            assertThat(DependencyGraph.of(model.graph()).toString()).contains("Group(stem.conv");
            StructuredPruner.builder().setCriterion("l1").setTarget(PruningTarget.parse("macs=2x"))
                    .optAllocation("global").optRoundTo(8).build()
                    .prune(model, null);
            assertThat(ModelSummary.of(model.graph()).macs()).isLessThanOrEqualTo(before / 2);
        }
    }

    @Test
    void graphBuilderExampleInfersShapes() {
        Graph g = Graph.builder().setInput("input", new Shape(1, 28, 28))
                .add("conv", Conv2dOp.builder().setOutChannels(16).setKernel(3).optPadding(1).optBias(false).build())
                .add("bn", new BatchNormOp())
                .add("relu", ActivationOp.relu())
                .add("sum", new AddOp(), "relu", "bn")
                .add("gap", new GlobalAvgPoolOp())
                .add("fc", new LinearOp(10))
                .build();
        assertThat(g.shapeOf("sum")).isEqualTo(new Shape(16, 28, 28));
        assertThat(g.outputShape()).isEqualTo(new Shape(10));
    }

    @Test
    void unstructuredExampleKeepsAnEighthOfTheParametersThroughTraining() {
        ImageDataset train = SyntheticImages.builder().setNumSamples(128).setShape(1, 28, 28).setNumClasses(10).build();
        TrainingRecipe recipe = TrainingRecipe.defaults(1, 0);
        DataLoader loader = DataPipeline.trainLoader("synthetic", train, recipe);
        Path file = dir.resolve("lenet5.p4j");
        try (Model m = Model.builder().setGraph(ModelZoo.build("lenet5", ZooOptions.fashionMnist())).build()) {
            Checkpoint.save(m, file);
        }
        try (Model model = Checkpoint.load(file);
                org.prune4j.sparsity.WeightMasks masks = org.prune4j.sparsity.UnstructuredPruner.builder()
                        .setMethod("global-magnitude").setCompression(8).build().prune(model);
                Optimizer sgd = recipe.newOptimizer()) {
            Trainer.builder().setModel(model).setOptimizer(sgd)
                    .setSchedule(recipe.newSchedule(loader.batchesPerEpoch()))
                    .optListener(new org.prune4j.sparsity.MaskedTraining(masks))
                    .build().fit(loader, null, recipe.epochs());
            SparsityStats stats = SparsityStats.of(model);
            assertThat(stats.compression()).isCloseTo(8, org.assertj.core.data.Offset.offset(0.05));
        }
    }
}
