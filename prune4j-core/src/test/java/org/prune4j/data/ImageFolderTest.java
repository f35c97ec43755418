package org.prune4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

class ImageFolderTest {

    @TempDir
    Path root;

    /** A w×h image of one colour. */
    private void image(String path, int w, int h, int rgb, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
    }

    @Test
    void classesAreTheFoldersInNameOrderAndImagesComeAtTheModelsShapeAndChannels() throws Exception {
        image("train/cat/a.png", 12, 8, 0xff0000, "png");
        image("train/cat/b.png", 6, 6, 0xff0000, "png");
        image("train/dog/c.jpg", 8, 8, 0x0000ff, "jpg");
        image("test/cat/d.png", 4, 4, 0xff0000, "png");
        image("test/dog/e.png", 4, 4, 0x0000ff, "png");
        ImageDataset rgb = ImageFolder.load(root, DataSets.Split.TRAIN, 3, 4, 4);
        assertThat(rgb.size()).isEqualTo(3);
        assertThat(rgb.numClasses()).isEqualTo(2);
        assertThat(new int[] {rgb.label(0), rgb.label(1), rgb.label(2)}).containsExactly(0, 0, 1);
        float[] red = new float[3 * 16];
        rgb.copySample(0, red);
        assertThat(red[0]).isEqualTo(1f); // red plane
        assertThat(red[16]).isEqualTo(0f); // green plane
        float[] blue = new float[3 * 16];
        rgb.copySample(2, blue);
        assertThat(blue[2 * 16 + 5]).isCloseTo(1f, Offset.offset(0.05f)); // a JPEG is near, not exactly, its colour

        ImageDataset gray = ImageFolder.load(root, DataSets.Split.TEST, 1, 4, 4);
        assertThat(gray.channels()).isEqualTo(1);
        float[] g = new float[16];
        gray.copySample(0, g);
        assertThat(g[0]).isCloseTo(0.299f, Offset.offset(1e-3f)); // luminance of pure red
    }

    @Test
    void aNormalizationFileGivesEachChannelItsMeanAndStd() throws Exception {
        image("train/a/x.png", 2, 2, 0xffffff, "png");
        image("test/a/y.png", 2, 2, 0xffffff, "png");
        Files.writeString(root.resolve("normalization.json"), "{\"mean\": [0.5, 0.5, 0.0], \"std\": [0.5, 0.25, 2]}");
        float[] x = new float[12];
        ImageFolder.load(root, DataSets.Split.TRAIN, 3, 2, 2).copySample(0, x);
        assertThat(new float[] {x[0], x[4], x[8]}).containsExactly(1f, 2f, 0.5f);
        Files.writeString(root.resolve("normalization.json"), "{\"mean\": [0.5], \"std\": [0.5]}");
        assertThatThrownBy(() -> ImageFolder.load(root, DataSets.Split.TRAIN, 3, 2, 2))
                .hasMessageContaining("normalization.json").hasMessageContaining("'mean' must be a list of 3 numbers");
    }

    @Test
    void aFolderWithoutClassesOrWithAnUnreadableImageIsRefusedNamingIt() throws Exception {
        Files.createDirectories(root.resolve("train"));
        assertThatThrownBy(() -> ImageFolder.load(root, DataSets.Split.TRAIN, 3, 4, 4))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("has no class folders")
                .hasMessageContaining(root.resolve("train").toString());
        assertThatThrownBy(() -> ImageFolder.load(root, DataSets.Split.TEST, 3, 4, 4))
                .hasMessageContaining("has no test or val/ folder");
        image("train/cat/ok.png", 4, 4, 0, "png");
        Files.writeString(root.resolve("train/cat/broken.png"), "not an image");
        assertThatThrownBy(() -> ImageFolder.load(root, DataSets.Split.TRAIN, 3, 4, 4))
                .hasMessageContaining("cannot read image").hasMessageContaining("broken.png");
    }
}
