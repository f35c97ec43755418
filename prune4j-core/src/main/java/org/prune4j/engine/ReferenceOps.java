package org.prune4j.engine;

/**
 * Plain-Java float64 convolution, batch norm and linear layers with their gradients: the known
 * answers the engine self-check compares against. Independent of the engine on purpose: its
 * float64 path could be wrong on the same processor too. Written for clarity, not speed; the
 * check's shapes are small. Arrays are row-major NCHW, weights OIHW.
 */
final class ReferenceOps {

    private ReferenceOps() {}

    /** A 2-D convolution's shapes: square kernel, same stride and padding on both axes. */
    record Conv(int batch, int in, int out, int size, int kernel, int stride, int padding, int groups) {

        int outSize() {
            return (size + 2 * padding - kernel) / stride + 1;
        }

        int inPerGroup() {
            return in / groups;
        }

        int outPerGroup() {
            return out / groups;
        }

        int inputLength() {
            return batch * in * size * size;
        }

        int weightLength() {
            return out * inPerGroup() * kernel * kernel;
        }

        int outputLength() {
            return batch * out * outSize() * outSize();
        }
    }

    /** Forward convolution, and with {@code dy} the gradients of {@code sum(y * dy)}. */
    static Conv2dResult conv(Conv c, double[] x, double[] w, double[] dy) {
        int os = c.outSize();
        int k = c.kernel();
        double[] y = new double[c.outputLength()];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        for (int n = 0; n < c.batch(); n++) {
            for (int o = 0; o < c.out(); o++) {
                int g = o / c.outPerGroup();
                for (int oy = 0; oy < os; oy++) {
                    for (int ox = 0; ox < os; ox++) {
                        int yi = ((n * c.out() + o) * os + oy) * os + ox;
                        double sum = 0;
                        double grad = dy[yi];
                        for (int ci = 0; ci < c.inPerGroup(); ci++) {
                            int channel = g * c.inPerGroup() + ci;
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy * c.stride() - c.padding() + ky;
                                if (iy < 0 || iy >= c.size()) {
                                    continue;
                                }
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox * c.stride() - c.padding() + kx;
                                    if (ix < 0 || ix >= c.size()) {
                                        continue;
                                    }
                                    int xi = ((n * c.in() + channel) * c.size() + iy) * c.size() + ix;
                                    int wi = ((o * c.inPerGroup() + ci) * k + ky) * k + kx;
                                    sum += x[xi] * w[wi];
                                    dx[xi] += grad * w[wi];
                                    dw[wi] += grad * x[xi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new Conv2dResult(y, dx, dw);
    }

    record Conv2dResult(double[] y, double[] dx, double[] dw) {}

    /**
     * Batch norm in training mode (batch statistics, biased variance) over NCHW input with
     * {@code hw} values per channel and sample, and the gradients of {@code sum(y * dy)}.
     */
    static BatchNormResult batchNorm(int batch, int channels, int hw, double[] x, double[] gamma,
            double[] beta, double eps, double[] dy) {
        double[] y = new double[x.length];
        double[] dx = new double[x.length];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        double count = (double) batch * hw;
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < hw; i++) {
                    mean += x[(n * channels + c) * hw + i];
                }
            }
            mean /= count;
            double var = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < hw; i++) {
                    double d = x[(n * channels + c) * hw + i] - mean;
                    var += d * d;
                }
            }
            var /= count;
            double invStd = 1 / Math.sqrt(var + eps);
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < hw; i++) {
                    int j = (n * channels + c) * hw + i;
                    double xhat = (x[j] - mean) * invStd;
                    y[j] = gamma[c] * xhat + beta[c];
                    sumDy += dy[j];
                    sumDyXhat += dy[j] * xhat;
                }
            }
            dBeta[c] = sumDy;
            dGamma[c] = sumDyXhat;
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < hw; i++) {
                    int j = (n * channels + c) * hw + i;
                    double xhat = (x[j] - mean) * invStd;
                    dx[j] = gamma[c] * invStd * (dy[j] - sumDy / count - xhat * sumDyXhat / count);
                }
            }
        }
        return new BatchNormResult(y, dx, dGamma, dBeta);
    }

    record BatchNormResult(double[] y, double[] dx, double[] dGamma, double[] dBeta) {}

    /** {@code y = x W^T + b} for x {@code (batch, in)}, W {@code (out, in)}, and the gradients of {@code sum(y * dy)}. */
    static LinearResult linear(int batch, int in, int out, double[] x, double[] w, double[] b, double[] dy) {
        double[] y = new double[batch * out];
        double[] dx = new double[batch * in];
        double[] dw = new double[out * in];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                double grad = dy[n * out + o];
                for (int i = 0; i < in; i++) {
                    sum += x[n * in + i] * w[o * in + i];
                    dx[n * in + i] += grad * w[o * in + i];
                    dw[o * in + i] += grad * x[n * in + i];
                }
                y[n * out + o] = sum;
            }
        }
        return new LinearResult(y, dx, dw);
    }

    record LinearResult(double[] y, double[] dx, double[] dw) {}
}
