package org.prune4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/**
 * A user's own images, laid out as torchvision's ImageFolder: {@code ROOT/train/<class>/*.png|jpg}
 * and {@code ROOT/test/<class>/...} (or {@code val/}), classes in name order. Each image is
 * resized so that its shorter side fits the model's input, center-cropped to it, converted to
 * RGB or grayscale as the model's channels say, scaled to [0, 1] and, if {@code ROOT/normalization.json}
 * gives {@code {"mean": [...], "std": [...]}} (one value per channel), normalized.
 */
public final class ImageFolder {

    /** The data set name configs and the CLI use (with the folder as the data directory). */
    public static final String NAME = "image-folder";

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFolder() {}

    /** Loads one split at the model's input shape: {@code channels} (1 or 3) × {@code height} × {@code width}. */
    public static ImageDataset load(Path root, DataSets.Split split, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new DataFormatException("an image folder gives 1 (grayscale) or 3 (RGB) channels; the model takes "
                    + channels);
        }
        Path dir = splitDir(root, split);
        List<Path> classes = classFolders(dir);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            for (Path image : images(classes.get(c))) {
                files.add(image);
                labels.add(c);
            }
        }
        int size = channels * height * width;
        float[] pixels = new float[files.size() * size];
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            float[] sample = toPixels(read(files.get(i)), channels, height, width);
            System.arraycopy(sample, 0, pixels, i * size, size);
        });
        normalize(root, pixels, channels, height * width);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageDataset(NAME + "-" + split.name().toLowerCase(Locale.ROOT), pixels, y, channels, height, width,
                classes.size());
    }

    private static Path splitDir(Path root, DataSets.Split split) {
        if (!Files.isDirectory(root)) {
            throw new DatasetNotFoundException("image folder " + root + " does not exist");
        }
        List<String> names = split == DataSets.Split.TRAIN ? List.of("train") : List.of("test", "val");
        for (String n : names) {
            if (Files.isDirectory(root.resolve(n))) {
                return root.resolve(n);
            }
        }
        throw new DatasetNotFoundException("image folder " + root + " has no " + String.join(" or ", names)
                + "/ folder; expected ROOT/train/<class>/ and ROOT/test/<class>/ with one folder per class");
    }

    private static List<Path> classFolders(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> classes = list.filter(Files::isDirectory).sorted().toList();
            if (classes.isEmpty()) {
                throw new DataFormatException("image folder " + dir + " has no class folders; expected one folder "
                        + "per class holding its images");
            }
            return classes;
        } catch (IOException e) {
            throw new DataFormatException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> images(Path classDir) {
        try (Stream<Path> list = Files.list(classDir)) {
            List<Path> images = list.filter(p -> EXTENSIONS.stream()
                    .anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e))).sorted().toList();
            if (images.isEmpty()) {
                throw new DataFormatException("class folder " + classDir + " holds no images (" + EXTENSIONS + ")");
            }
            return images;
        } catch (IOException e) {
            throw new DataFormatException("cannot list class folder " + classDir + ": " + e.getMessage(), e);
        }
    }

    private static BufferedImage read(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new DataFormatException("cannot read image " + file + ": not a PNG or JPEG image");
            }
            return image;
        } catch (IOException e) {
            throw new DataFormatException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }

    /** Shorter side scaled to the target (bilinear), center crop, then channels-first floats in [0, 1]. */
    static float[] toPixels(BufferedImage image, int channels, int height, int width) {
        double scale = Math.max(height / (double) image.getHeight(), width / (double) image.getWidth());
        int h = Math.max(height, (int) Math.round(image.getHeight() * scale));
        int w = Math.max(width, (int) Math.round(image.getWidth() * scale));
        BufferedImage resized = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        int top = (h - height) / 2;
        int left = (w - width) / 2;
        float[] out = new float[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(left + x, top + y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float gr = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                int at = y * width + x;
                if (channels == 1) {
                    out[at] = 0.299f * r + 0.587f * gr + 0.114f * b;
                } else {
                    out[at] = r;
                    out[plane + at] = gr;
                    out[2 * plane + at] = b;
                }
            }
        }
        return out;
    }

    private static void normalize(Path root, float[] pixels, int channels, int plane) {
        Path file = root.resolve("normalization.json");
        if (!Files.exists(file)) {
            return;
        }
        float[] mean;
        float[] std;
        try {
            JsonNode json = new ObjectMapper().readTree(file.toFile());
            mean = floats(json.get("mean"), channels, file, "mean");
            std = floats(json.get("std"), channels, file, "std");
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < pixels.length; i++) {
            int c = (i / plane) % channels;
            pixels[i] = (pixels[i] - mean[c]) / std[c];
        }
    }

    private static float[] floats(JsonNode node, int channels, Path file, String field) {
        if (node == null || !node.isArray() || node.size() != channels) {
            throw new DataFormatException(file + ": field '" + field + "' must be a list of " + channels
                    + " numbers (one per channel)");
        }
        float[] v = new float[channels];
        for (int i = 0; i < channels; i++) {
            v[i] = (float) node.get(i).asDouble();
            if (field.equals("std") && !(v[i] > 0)) {
                throw new DataFormatException(file + ": field 'std' must be positive, got " + v[i]);
            }
        }
        return v;
    }
}
