package org.prune4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import java.util.Random;

class CalibrationAndAgreementTest {

    @Test
    void aPerfectlyCalibratedPredictorHasAnEceNearZero() {
        Random rng = new Random(1);
        int n = 200_000;
        float[] p = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double confidence = 0.5 + 0.5 * rng.nextDouble();
            p[2 * i] = (float) confidence; // predicts class 0 ...
            p[2 * i + 1] = (float) (1 - confidence);
            labels[i] = rng.nextDouble() < confidence ? 0 : 1; // ... and is right with that probability
        }
        ReliabilityDiagram d = ReliabilityDiagram.of(new Predictions(p, labels, 2), 15);
        assertThat(d.ece()).isLessThan(0.005);
        assertThat(d.bins()).hasSize(15);
        assertThat(d.bins().stream().mapToLong(ReliabilityDiagram.Bin::count).sum()).isEqualTo(n);
    }

    @Test
    void aConstantOverConfidentPredictorHasTheGapAsItsEce() {
        // always 90% sure of class 0, right on 60 of 100 examples: ECE = |0.6 - 0.9| = 0.3
        int n = 100;
        float[] p = new float[n * 3];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            p[3 * i] = 0.9f;
            p[3 * i + 1] = 0.05f;
            p[3 * i + 2] = 0.05f;
            labels[i] = i < 60 ? 0 : 1 + i % 2;
        }
        Predictions predictions = new Predictions(p, labels, 3);
        assertThat(ReliabilityDiagram.of(predictions, 15).ece()).isCloseTo(0.3, within(1e-6));
        assertThat(predictions.accuracy()).isEqualTo(0.6);
        double nll = -(0.6 * Math.log(0.9) + 0.4 * Math.log(0.05));
        assertThat(predictions.negativeLogLikelihood()).isCloseTo(nll, within(1e-6));
        assertThat(predictions.classAccuracy()).containsExactly(1.0, 0.0, 0.0);
        assertThat(predictions.worstClass()).isEqualTo(1);
    }

    @Test
    void predictionsAgreeWithThemselvesEverywhere() {
        Predictions p = random(500, 4, 2);
        Agreement a = Agreement.of(p, p, 0.1);
        assertThat(a.overall()).isEqualTo(1.0);
        assertThat(a.leastConfident()).isEqualTo(1.0);
        assertThat(a.perClass()).containsOnly(1.0);
    }

    @Test
    void disagreementOnTheReferencesLeastConfidentExamplesIsCountedThere() {
        // reference: sure on examples 0-89, unsure on 90-99; the model differs exactly on 95-99
        int n = 100;
        float[] ref = new float[n * 2];
        float[] mod = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double c = i < 90 ? 0.95 : 0.55;
            ref[2 * i] = (float) c;
            ref[2 * i + 1] = (float) (1 - c);
            boolean differ = i >= 95;
            mod[2 * i] = differ ? 0.2f : 0.8f;
            mod[2 * i + 1] = differ ? 0.8f : 0.2f;
        }
        Agreement a = Agreement.of(new Predictions(mod, labels, 2), new Predictions(ref, labels, 2), 0.1);
        assertThat(a.overall()).isCloseTo(0.95, within(1e-12));
        assertThat(a.leastConfident()).isCloseTo(0.5, within(1e-12));
        assertThat(a.perClass()[0]).isCloseTo(0.95, within(1e-12));
        assertThat(a.perClass()[1]).isNaN();
    }

    private static Predictions random(int n, int k, long seed) {
        Random rng = new Random(seed);
        float[] p = new float[n * k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float total = 0;
            for (int j = 0; j < k; j++) {
                p[i * k + j] = rng.nextFloat();
                total += p[i * k + j];
            }
            for (int j = 0; j < k; j++) {
                p[i * k + j] /= total;
            }
            labels[i] = rng.nextInt(k);
        }
        return new Predictions(p, labels, k);
    }
}
