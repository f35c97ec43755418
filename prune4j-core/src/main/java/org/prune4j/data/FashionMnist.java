package org.prune4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads Fashion-MNIST (Zalando's 28x28 grey-scale clothing images, 10 classes) from IDX files.
 *
 * <p>On Debian the data set is installed by {@code sudo apt-get install -y dataset-fashion-mnist}
 * into {@link #DEFAULT_DIR}. Any directory holding the four standard files, gzip-compressed or not,
 * works as well.
 */
public final class FashionMnist {

    /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final int NUM_CLASSES = 10;

    /**
     * Per-channel mean of the training pixels after scaling to [0, 1]; pass with {@link #STD} to
     * {@link Normalize}. Treat as read-only.
     */
    public static final float[] MEAN = {0.2860f};

    /** Per-channel standard deviation of the training pixels after scaling to [0, 1]. Treat as read-only. */
    public static final float[] STD = {0.3530f};

    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    /** Which half of the data set to load. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images. */
        TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }
    }

    private FashionMnist() {}

    /** Loads {@code split} from {@link #DEFAULT_DIR}. */
    public static ImageDataset load(Split split) {
        return load(DEFAULT_DIR, split);
    }

    /**
     * Loads {@code split} from {@code dir}, which must hold {@code <prefix>-images-idx3-ubyte[.gz]}
     * and {@code <prefix>-labels-idx1-ubyte[.gz]} with prefix {@code train} or {@code t10k}.
     *
     * @throws DatasetNotFoundException if the directory or a file is missing; the message says how
     *     to install the data set
     * @throws DataFormatException if a file is corrupt
     */
    public static ImageDataset load(Path dir, Split split) {
        return loadIdx("fashion-mnist", dir, split, INSTALL_HINT);
    }

    private static final String INSTALL_HINT = "Install the data set with `sudo apt-get install -y"
            + " dataset-fashion-mnist` (Debian, installs into " + DEFAULT_DIR + ") or pass a directory"
            + " containing the four Fashion-MNIST IDX files (train-/t10k- images-idx3-ubyte and"
            + " labels-idx1-ubyte, optionally .gz).";

    /**
     * Loads a data set stored like Fashion-MNIST (same file names, 10 classes), e.g. MNIST;
     * {@code installHint} ends the message when a file is missing.
     */
    public static ImageDataset loadIdx(String dataSetName, Path dir, Split split, String installHint) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(split, "split");
        Path images = locate(dataSetName, dir, split.filePrefix + "-images-idx3-ubyte", installHint);
        Path labels = locate(dataSetName, dir, split.filePrefix + "-labels-idx1-ubyte", installHint);
        String name = dataSetName + "-" + split.name().toLowerCase(java.util.Locale.ROOT);
        return IdxReader.read(name, images, labels, NUM_CLASSES);
    }

    /** Finds {@code baseName.gz} or {@code baseName} in {@code dir}. */
    private static Path locate(String dataSetName, Path dir, String baseName, String installHint) {
        Path gz = dir.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(baseName);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        String problem =
                Files.isDirectory(dir)
                        ? dataSetName + " file " + gz + " not found (nor " + raw.getFileName() + ")"
                        : dataSetName + " directory " + dir + " does not exist (looked for " + gz + ")";
        throw new DatasetNotFoundException(problem + ". " + installHint);
    }
}
