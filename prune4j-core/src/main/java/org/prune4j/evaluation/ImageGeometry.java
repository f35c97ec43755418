package org.prune4j.evaluation;

/** In-place geometric and filtering operations on C x H x W images, outside the engine. */
final class ImageGeometry {

    private ImageGeometry() {}

    /** Moves each channel's values towards their mean: {@code (v - mean) * factor + mean}. */
    static void scaleContrast(float[] img, int channels, int plane, float factor) {
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                sum += img[i];
            }
            float mean = (float) (sum / plane);
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                img[i] = (img[i] - mean) * factor + mean;
            }
        }
    }

    /** Separable Gaussian blur with standard deviation {@code sigma} pixels, edges clamped. */
    static void blur(float[] img, int channels, int h, int w, double sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] kernel = new double[2 * radius + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
            total += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= total;
        }
        float[] tmp = new float[h * w];
        for (int c = 0; c < channels; c++) {
            int off = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        s += kernel[k + radius] * img[off + y * w + clamp(x + k, w)];
                    }
                    tmp[y * w + x] = (float) s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        s += kernel[k + radius] * tmp[clamp(y + k, h) * w + x];
                    }
                    img[off + y * w + x] = (float) s;
                }
            }
        }
    }

    /** Rotation about the image centre by {@code radians}, bilinear, zero outside the source. */
    static void rotate(float[] img, int channels, int h, int w, double radians) {
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        float[] src = img.clone();
        for (int c = 0; c < channels; c++) {
            int off = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // inverse map: where in the source this destination pixel comes from
                    double sx = cos * (x - cx) + sin * (y - cy) + cx;
                    double sy = -sin * (x - cx) + cos * (y - cy) + cy;
                    img[off + y * w + x] = bilinear(src, off, h, w, sy, sx);
                }
            }
        }
    }

    /** Shift by (dx, dy) whole pixels, zero where nothing moves in. */
    static void translate(float[] img, int channels, int h, int w, int dx, int dy) {
        float[] src = img.clone();
        for (int c = 0; c < channels; c++) {
            int off = c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = x - dx;
                    int sy = y - dy;
                    img[off + y * w + x] = sx >= 0 && sx < w && sy >= 0 && sy < h ? src[off + sy * w + sx] : 0f;
                }
            }
        }
    }

    private static float bilinear(float[] src, int off, int h, int w, double y, double x) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(src, off, h, w, y0, x0) + fx * at(src, off, h, w, y0, x0 + 1))
                + fy * ((1 - fx) * at(src, off, h, w, y0 + 1, x0) + fx * at(src, off, h, w, y0 + 1, x0 + 1)));
    }

    private static float at(float[] src, int off, int h, int w, int y, int x) {
        return y < 0 || y >= h || x < 0 || x >= w ? 0f : src[off + y * w + x];
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }
}
