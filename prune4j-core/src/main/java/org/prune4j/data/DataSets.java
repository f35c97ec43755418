package org.prune4j.data;

import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds a data set by name for configs and the CLI: {@code fashion-mnist} (default directory
 * or a given one), {@code fashion-mnist-biased} (Fashion-MNIST with a protected attribute, see
 * {@link ProtectedMarker}), {@code german-credit} (tabular, with the protected attribute sex, see
 * {@link GermanCredit}), {@code mnist} (IDX files with the MNIST file names in a directory),
 * {@code cifar10} (the binary batches in a directory), {@code synthetic} (small
 * generated images for demos and tests), {@code image-folder} (the user's own images, see {@link ImageFolder}).
 */
public final class DataSets {

    public static final List<String> NAMES = List.of("fashion-mnist", "fashion-mnist-biased", "german-credit", "mnist",
            "cifar10", "synthetic", ImageFolder.NAME);

    private DataSets() {}

    /** Whether a split is for training or testing. */
    public enum Split { TRAIN, TEST }

    /**
     * @param dir the directory holding the files, or null for the data set's default
     */
    public static ImageDataset load(String name, Path dir, Split split) {
        return load(name, dir, split, null);
    }

    /**
     * @param dir the directory holding the files, or null for the data set's default
     * @param modelInput the per-sample shape of the model that will read the data (an image
     *     folder is brought to it; other data sets ignore it), or null
     */
    public static ImageDataset load(String name, Path dir, Split split, Shape modelInput) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case ImageFolder.NAME:
                if (dir == null || modelInput == null || modelInput.dimension() != 3) {
                    throw new IllegalArgumentException("data set '" + ImageFolder.NAME + "' needs --data-dir (ROOT with "
                            + "train/<class>/ and test/<class>/) and a model taking images (C, H, W)");
                }
                return ImageFolder.load(dir, split, (int) modelInput.get(0), (int) modelInput.get(1),
                        (int) modelInput.get(2));
            case "fashion-mnist":
                return FashionMnist.load(dir == null ? FashionMnist.DEFAULT_DIR : dir, fashionSplit(split));
            case "fashion-mnist-biased": // a protected attribute that the training split ties to the classes
                return ProtectedMarker.apply(load("fashion-mnist", dir, split), split == Split.TRAIN,
                        ProtectedMarker.DEFAULT_CORRELATION, 7);
            case "german-credit":
                return GermanCredit.load(dir == null ? GermanCredit.DEFAULT_DIR : dir, split == Split.TRAIN);
            case "mnist":
                if (dir == null) {
                    throw new IllegalArgumentException("data set 'mnist' needs --data-dir, a directory with its IDX files");
                }
                return FashionMnist.loadIdx("mnist", dir, fashionSplit(split),
                        "pass a directory holding MNIST's train-/t10k- images-idx3-ubyte and labels-idx1-ubyte files");
            case "cifar10":
                if (dir == null) {
                    throw new IllegalArgumentException("data set 'cifar10' needs the directory of its binary batches");
                }
                return Cifar10Reader.read("cifar10-" + split.name().toLowerCase(Locale.ROOT), cifarFiles(dir, split));
            case "synthetic": {
                // One generator for both splits: they share class prototypes, not samples.
                ImageDataset all = SyntheticImages.builder().setNumSamples(2560).setShape(1, 28, 28)
                        .setNumClasses(10).optSeed(1).build();
                return split == Split.TRAIN ? all.slice(0, 2048) : all.slice(2048, 2560);
            }
            default:
                throw new IllegalArgumentException("unknown data set '" + name + "'; known are " + NAMES);
        }
    }

    private static FashionMnist.Split fashionSplit(Split split) {
        return split == Split.TRAIN ? FashionMnist.Split.TRAIN : FashionMnist.Split.TEST;
    }

    /** Per-channel mean and standard deviation for normalization, or null when unknown. */
    public static float[][] normalization(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "fashion-mnist", "fashion-mnist-biased":
                return new float[][] {FashionMnist.MEAN.clone(), FashionMnist.STD.clone()};
            case "mnist":
                return new float[][] {{0.1307f}, {0.3081f}};
            case "cifar10":
                return new float[][] {{0.4914f, 0.4822f, 0.4465f}, {0.2470f, 0.2435f, 0.2616f}};
            default:
                return null;
        }
    }

    private static List<Path> cifarFiles(Path dir, Split split) {
        List<Path> files = new ArrayList<>();
        if (split == Split.TEST) {
            files.add(dir.resolve("test_batch.bin"));
            return files;
        }
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> p.getFileName().toString().matches("data_batch_\\d+\\.bin")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new DatasetNotFoundException("cannot list CIFAR-10 directory " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("no data_batch_N.bin files in CIFAR-10 directory " + dir);
        }
        return files;
    }
}
