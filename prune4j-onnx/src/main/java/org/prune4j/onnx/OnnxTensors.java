package org.prune4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the numbers of a TensorProto (float, double or integer types; raw or typed fields). */
final class OnnxTensors {

    private OnnxTensors() {}

    static long[] dims(TensorProto t) {
        long[] d = new long[t.getDimsCount()];
        long size = 1;
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDims(i);
            if (d[i] < 0) {
                throw new IllegalArgumentException("tensor '" + t.getName() + "' has a negative dimension " + d[i]);
            }
            size = Math.multiplyExact(size, d[i]);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is too large (" + size + " elements)");
        }
        return d;
    }

    static int size(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return (int) n;
    }

    static boolean isFloat(TensorProto t) {
        int type = t.getDataType();
        return type == TensorProto.DataType.FLOAT_VALUE || type == TensorProto.DataType.DOUBLE_VALUE;
    }

    static float[] floats(TensorProto t) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' keeps its data in an external file, "
                    + "which prune4j does not read; save the model with its weights inside");
        }
        int n = size(dims(t));
        checkStored(t, n); // before allocating: a damaged shape must not allocate gigabytes
        float[] out = new float[n];
        int type = t.getDataType();
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            if (!t.getRawData().isEmpty()) {
                requireBytes(t, n * 4L);
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            } else {
                requireCount(t, t.getFloatDataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getFloatData(i);
                }
            }
        } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
            if (!t.getRawData().isEmpty()) {
                requireBytes(t, n * 8L);
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble();
                }
            } else {
                requireCount(t, t.getDoubleDataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = (float) t.getDoubleData(i);
                }
            }
        } else {
            long[] l = longs(t);
            for (int i = 0; i < n; i++) {
                out[i] = l[i];
            }
        }
        return out;
    }

    static long[] longs(TensorProto t) {
        int n = size(dims(t));
        checkStored(t, n);
        long[] out = new long[n];
        int type = t.getDataType();
        boolean raw = !t.getRawData().isEmpty();
        if (type == TensorProto.DataType.INT64_VALUE) {
            if (raw) {
                requireBytes(t, n * 8L);
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            } else {
                requireCount(t, t.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
        } else if (type == TensorProto.DataType.BOOL_VALUE || type == TensorProto.DataType.UINT8_VALUE) {
            if (raw) { // one byte per value; typed, they are stored in int32_data
                requireBytes(t, n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getRawData().byteAt(i) & 0xff;
                }
            } else {
                requireCount(t, t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
        } else if (type == TensorProto.DataType.INT32_VALUE) {
            if (raw) {
                requireBytes(t, n * 4L);
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt();
                }
            } else {
                requireCount(t, t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
        } else if (isFloat(t)) {
            float[] f = floats(t);
            for (int i = 0; i < n; i++) {
                out[i] = (long) f[i];
            }
        } else {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has data type " + t.getDataType()
                    + "; prune4j reads float, double, int32, int64, uint8 and bool tensors");
        }
        return out;
    }

    /** The tensor must hold exactly n values, in raw bytes or a typed field, before anything is allocated. */
    private static void checkStored(TensorProto t, int n) {
        int width = switch (t.getDataType()) {
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE -> 8;
            case TensorProto.DataType.BOOL_VALUE, TensorProto.DataType.UINT8_VALUE -> 1;
            default -> 4;
        };
        long stored = !t.getRawData().isEmpty() ? t.getRawData().size() / width
                : t.getFloatDataCount() + t.getDoubleDataCount() + t.getInt64DataCount() + t.getInt32DataCount();
        if (stored != n) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' holds " + stored + " values, its shape "
                    + java.util.Arrays.toString(dims(t)) + " needs " + n);
        }
    }

    private static void requireBytes(TensorProto t, long bytes) {
        if (t.getRawData().size() != bytes) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has " + t.getRawData().size()
                    + " bytes of data, its shape needs " + bytes);
        }
    }

    private static void requireCount(TensorProto t, int count, int n) {
        if (count != n) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' has " + count + " values, its shape needs " + n);
        }
    }
}
