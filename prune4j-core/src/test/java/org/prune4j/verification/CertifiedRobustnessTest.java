package org.prune4j.verification;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.prune4j.data.DataLoader;
import org.prune4j.data.ImageDataset;
import org.prune4j.data.SyntheticImages;
import org.prune4j.evaluation.Predictions;
import org.prune4j.model.Model;
import org.prune4j.train.DataPipeline;
import org.prune4j.train.Trainer;
import org.prune4j.train.TrainingRecipe;
import org.prune4j.zoo.ModelZoo;
import org.prune4j.zoo.ZooOptions;

import java.util.List;
import java.util.Random;

class CertifiedRobustnessTest {

    private static final ImageDataset ALL = clip(SyntheticImages.builder().setNumSamples(640).setShape(1, 12, 12)
            .setNumClasses(4).optSeed(1).build());
    private static final ImageDataset TRAIN = ALL.slice(0, 512);
    private static final ImageDataset TEST = ALL.slice(512, 640);

    @Test
    void certificationShrinksWithTheRadiusAndAtZeroIsPlainAccuracy() {
        try (Model model = trainedMlp()) {
            double accuracy = Predictions.of(model, DataPipeline.evalLoader("synthetic", TEST)).accuracy();
            CertifiedRobustness.Result zero = CertifiedRobustness.certify(model, "synthetic", TEST, 0);
            assertThat(zero.certifiedTop1()).isEqualTo(accuracy);
            assertThat(zero.unstablePerExample()).isZero();
            double previous = zero.certifiedTop1();
            double unstable = 0;
            for (double eps : new double[] {0.005, 0.02, 0.08}) {
                CertifiedRobustness.Result r = CertifiedRobustness.certify(model, "synthetic", TEST, eps);
                assertThat(r.certifiedTop1()).as("eps %s", eps).isLessThanOrEqualTo(previous);
                assertThat(r.unstablePerExample()).as("eps %s", eps).isGreaterThanOrEqualTo(unstable);
                previous = r.certifiedTop1();
                unstable = r.unstablePerExample();
            }
            assertThat(unstable).isPositive();
            assertThat(previous).as("a wide ball certifies less than nothing-but-accuracy").isLessThan(accuracy);
        }
    }

    @Test
    void everyCertifiedExampleKeepsItsClassAtRandomPointsOfItsBall() {
        double eps = 0.01;
        try (Model model = trainedMlp(); NDManager m = model.manager().newSubManager()) {
            CertifiedRobustness.Result r = CertifiedRobustness.certify(model, "synthetic", TEST, eps);
            assertThat(r.certifiedTop1()).as("some examples are certified at %s", eps).isPositive();
            // certify one example at a time to know which ones are certified, then attack each with noise
            Random rng = new Random(3);
            int checked = 0;
            for (int i = 0; i < TEST.size(); i++) {
                ImageDataset one = TEST.slice(i, i + 1);
                if (CertifiedRobustness.certify(model, "synthetic", one, eps).certifiedTop1() < 1) {
                    continue;
                }
                float[] x = new float[one.sampleSize()];
                one.copySample(0, x);
                float[] points = new float[200 * x.length];
                for (int p = 0; p < 200; p++) {
                    for (int j = 0; j < x.length; j++) {
                        float v = x[j] + (float) (eps * (rng.nextBoolean() ? 1 : -1));
                        points[p * x.length + j] = Math.min(1, Math.max(0, v));
                    }
                }
                NDArray logits = model.forward(m.create(points, new Shape(200, 1, 12, 12)), false);
                long[] predicted = logits.argMax(1).toLongArray();
                for (long c : predicted) {
                    assertThat(c).as("example %d", i).isEqualTo(one.label(0));
                }
                checked++;
            }
            assertThat(checked).isPositive();
        }
    }

    private static Model trainedMlp() {
        Model model = Model.builder().setGraph(ModelZoo.build("mlp", new ZooOptions(1, 12, 4, 0.25))).optSeed(0).build();
        TrainingRecipe recipe = TrainingRecipe.fineTuneDefaults().toBuilder().setEpochs(3).optLearningRate(0.05)
                .optBatchSize(64).build();
        Trainer.fit(model, recipe, DataLoader.builder().setDataset(TRAIN).setBatchSize(64).optShuffle(true).build(),
                List.of());
        return model;
    }

    private static ImageDataset clip(ImageDataset d) {
        float[] pixels = new float[d.size() * d.sampleSize()];
        int[] labels = new int[d.size()];
        float[] s = new float[d.sampleSize()];
        for (int i = 0; i < d.size(); i++) {
            d.copySample(i, s);
            for (int j = 0; j < s.length; j++) {
                pixels[i * s.length + j] = Math.min(1f, Math.max(0f, s[j]));
            }
            labels[i] = d.label(i);
        }
        return new ImageDataset(d.name(), pixels, labels, d.channels(), d.height(), d.width(), d.numClasses());
    }
}
