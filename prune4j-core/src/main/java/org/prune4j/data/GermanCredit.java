package org.prune4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The German credit data set (Hofmann; UCI), a real tabular data set with protected attributes,
 * read from the {@code credit-g.arff} that Debian's {@code weka} package ships ({@code ./setup}
 * extracts it to {@link #DEFAULT_DIR}). 1,000 applicants, 20 attributes, good or bad credit risk.
 * Every attribute becomes one feature in [0, 1]: a numeric one min-max scaled over the file, a
 * nominal one its level index over (levels − 1); {@code personal_status} becomes the protected
 * attribute sex (1 male, 0 female; its marital part is dropped), kept both as feature
 * {@link #SEX_FEATURE} and as the data set's protected attribute. Samples are (20, 1, 1) so that
 * the zoo's MLP takes them; a seeded shuffle puts 800 in the training split and 200 in the test
 * split. Class 0 is "good", 1 "bad".
 */
public final class GermanCredit {

    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/german-credit");
    public static final String FILE = "credit-g.arff";
    public static final int SEX_FEATURE = 8;
    private static final int TRAIN = 800;

    private GermanCredit() {}

    public static ImageDataset load(Path dir, boolean train) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("german-credit file " + file + " not found. ./setup extracts it "
                    + "from Debian's weka package (apt-get download weka; dpkg-deb -x; "
                    + "usr/share/doc/weka/examples/credit-g.arff)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + ": " + e.getMessage());
        }
        List<List<String>> nominal = new ArrayList<>(); // levels, or null for numeric
        List<String[]> rows = new ArrayList<>();
        boolean data = false;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("%")) {
                continue;
            }
            if (line.toLowerCase().startsWith("@attribute")) {
                int brace = line.indexOf('{');
                nominal.add(brace < 0 ? null : split(line.substring(brace + 1, line.lastIndexOf('}'))));
            } else if (line.toLowerCase().startsWith("@data")) {
                data = true;
            } else if (data) {
                String[] cells = split(line).toArray(new String[0]);
                if (cells.length != nominal.size()) {
                    throw new DataFormatException(file + ": row " + (rows.size() + 1) + " has " + cells.length
                            + " values, expected " + nominal.size());
                }
                rows.add(cells);
            }
        }
        int features = nominal.size() - 1; // the last attribute is the class
        if (features != 20 || rows.size() != 1000) {
            throw new DataFormatException(file + ": expected German credit's 20 attributes and 1,000 rows, got "
                    + features + " and " + rows.size());
        }
        double[] min = new double[features];
        double[] max = new double[features];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (String[] r : rows) {
            for (int f = 0; f < features; f++) {
                if (nominal.get(f) == null) {
                    double v = Double.parseDouble(r[f]);
                    min[f] = Math.min(min[f], v);
                    max[f] = Math.max(max[f], v);
                }
            }
        }
        int[] order = shuffled(rows.size());
        int from = train ? 0 : TRAIN;
        int to = train ? TRAIN : rows.size();
        float[] x = new float[(to - from) * features];
        int[] labels = new int[to - from];
        int[] sex = new int[to - from];
        for (int i = from; i < to; i++) {
            String[] r = rows.get(order[i]);
            int n = i - from;
            for (int f = 0; f < features; f++) {
                List<String> levels = nominal.get(f);
                x[n * features + f] = levels == null ? (float) ((Double.parseDouble(r[f]) - min[f]) / (max[f] - min[f]))
                        : levels.indexOf(r[f]) / (float) (levels.size() - 1);
            }
            sex[n] = r[SEX_FEATURE].startsWith("male") ? 1 : 0;
            x[n * features + SEX_FEATURE] = sex[n];
            labels[n] = nominal.get(features).indexOf(r[features]);
        }
        return new ImageDataset("german-credit-" + (train ? "train" : "test"), x, labels, features, 1, 1, 2, sex);
    }

    private static int[] shuffled(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(2023);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Splits ARFF values at commas outside single quotes, unquoting them. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char ch : s.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }
}
