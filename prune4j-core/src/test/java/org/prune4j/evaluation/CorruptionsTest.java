package org.prune4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.prune4j.data.ImageDataset;

import java.util.List;
import java.util.Random;

class CorruptionsTest {

    private static final ImageDataset IMAGES = blobs(40, 28, 3);

    static List<String> names() {
        return Corruptions.names();
    }

    @Test
    void theIssueListOfCorruptionsIsThere() {
        assertThat(Corruptions.names()).contains("gaussian-noise", "brightness", "contrast", "gaussian-blur",
                "rotation", "translation", "impulse-noise", "speckle-noise");
    }

    @ParameterizedTest
    @MethodSource("names")
    void severityZeroIsTheIdentity(String name) {
        ImageDataset same = Corruptions.corrupt(IMAGES, Corruptions.byName(name), 0, 7);
        for (int i = 0; i < IMAGES.size(); i++) {
            assertThat(sample(same, i)).containsExactly(sample(IMAGES, i));
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void theSameSeedGivesTheSameImagesAndEverySeverityChangesThem(String name) {
        Corruption c = Corruptions.byName(name);
        for (int s = 1; s <= 5; s++) {
            ImageDataset a = Corruptions.corrupt(IMAGES, c, s, 7);
            ImageDataset b = Corruptions.corrupt(IMAGES, c, s, 7);
            for (int i = 0; i < IMAGES.size(); i++) {
                assertThat(sample(a, i)).containsExactly(sample(b, i));
            }
            assertThat(meanAbsChange(IMAGES, a)).as("%s@%d changes the images", name, s).isGreaterThan(1e-3);
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void strongerSeveritiesMoveTheImagesFurther(String name) {
        Corruption c = Corruptions.byName(name);
        double previous = 0;
        for (int s = 1; s <= 5; s++) {
            double change = meanAbsChange(IMAGES, Corruptions.corrupt(IMAGES, c, s, 11));
            assertThat(change).as("%s@%d vs @%d", name, s, s - 1).isGreaterThan(previous);
            previous = change;
        }
    }

    @Test
    void aSamplesCorruptionDependsOnTheSeedAndNotOnTheOtherSamples() {
        Corruption noise = Corruptions.byName("gaussian-noise");
        ImageDataset all = Corruptions.corrupt(IMAGES, noise, 3, 5);
        ImageDataset firstTen = Corruptions.corrupt(IMAGES.slice(0, 10), noise, 3, 5);
        assertThat(sample(firstTen, 4)).containsExactly(sample(all, 4));
        assertThat(sample(Corruptions.corrupt(IMAGES, noise, 3, 6), 4)).isNotEqualTo(sample(all, 4));
    }

    @Test
    void corruptedPixelsStayInTheUnitRange() {
        for (String name : Corruptions.names()) {
            ImageDataset d = Corruptions.corrupt(IMAGES, Corruptions.byName(name), 5, 1);
            for (int i = 0; i < d.size(); i++) {
                for (float v : sample(d, i)) {
                    assertThat(v).as(name).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void translationMovesAPixelByTheShift() {
        float[] img = new float[5 * 5];
        img[2 * 5 + 2] = 1f;
        ImageGeometry.translate(img, 1, 5, 5, 1, -2);
        assertThat(img[0 * 5 + 3]).isEqualTo(1f);
        assertThat(sum(img)).isEqualTo(1f);
    }

    @Test
    void aQuarterTurnRotatesThePixelGrid() {
        float[] img = new float[3 * 3];
        img[0 * 3 + 1] = 1f; // top middle
        ImageGeometry.rotate(img, 1, 3, 3, Math.PI / 2);
        assertThat(img[1 * 3 + 2]).as("clockwise in image coordinates: to the right middle").isCloseTo(1f,
                org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(sum(img)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void blurKeepsAConstantImage() {
        float[] img = new float[7 * 7];
        java.util.Arrays.fill(img, 0.4f);
        ImageGeometry.blur(img, 1, 7, 7, 1.5);
        for (float v : img) {
            assertThat(v).isCloseTo(0.4f, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void unknownNamesAndSeveritiesOutsideOneToFiveAreRefused() {
        assertThatThrownBy(() -> Corruptions.byName("fog")).hasMessageContaining("unknown corruption 'fog'")
                .hasMessageContaining("gaussian-blur");
        assertThatThrownBy(() -> Corruptions.conditions(List.of("contrast"), List.of(6)))
                .hasMessageContaining("severity 6 is outside 1-5");
        assertThatThrownBy(() -> Corruptions.conditions(List.of("contrast"), List.of(0)))
                .hasMessageContaining("severity 0 is outside 1-5");
        assertThatThrownBy(() -> Corruptions.byName("rotation").apply(new float[4], 1, 2, 2, 9, new Random()))
                .hasMessageContaining("severity 9 of rotation");
    }

    private static float[] sample(ImageDataset d, int i) {
        float[] s = new float[d.sampleSize()];
        d.copySample(i, s);
        return s;
    }

    private static double meanAbsChange(ImageDataset a, ImageDataset b) {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = sample(a, i);
            float[] y = sample(b, i);
            for (int j = 0; j < x.length; j++) {
                sum += Math.abs(x[j] - y[j]);
            }
        }
        return sum / ((double) a.size() * a.sampleSize());
    }

    private static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }

    /** Fashion-MNIST-like images: a bright ellipse of random size and tilt on a black background. */
    private static ImageDataset blobs(int n, int size, long seed) {
        Random rng = new Random(seed);
        float[] pixels = new float[n * size * size];
        for (int i = 0; i < n; i++) {
            double a = size * (0.15 + 0.15 * rng.nextDouble());
            double b = size * (0.25 + 0.1 * rng.nextDouble());
            double tilt = rng.nextDouble() * Math.PI;
            double brightness = 0.5 + 0.3 * rng.nextDouble();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double dx = x - (size - 1) / 2.0;
                    double dy = y - (size - 1) / 2.0;
                    double u = (dx * Math.cos(tilt) + dy * Math.sin(tilt)) / a;
                    double v = (-dx * Math.sin(tilt) + dy * Math.cos(tilt)) / b;
                    pixels[i * size * size + y * size + x] = u * u + v * v <= 1
                            ? (float) (brightness * (0.8 + 0.2 * rng.nextDouble())) : 0f;
                }
            }
        }
        return new ImageDataset("blobs", pixels, new int[n], 1, size, size, 2);
    }
}
