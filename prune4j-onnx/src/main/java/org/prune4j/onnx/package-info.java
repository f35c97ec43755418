/**
 * ONNX in and out: {@link OnnxImporter} reads ONNX files (opset 11 to 18) into a prune4j model,
 * {@link OnnxExporter} writes any prune4j model (pruned or not) as ONNX with its provenance in the
 * metadata, and {@link OnnxRuntimeRunner} runs and times ONNX files in ONNX Runtime. The ONNX
 * message classes come from the maintained {@code org.tribuo:tribuo-util-onnx} artifact.
 */
package org.prune4j.onnx;
