/**
 * ShrinkBench-style experiments: a grid declared in a YAML or JSON file ({@link BenchSpec}),
 * one stable id per run from its settings ({@link RunSettings}), a SQLite results store that
 * records a run only when it has finished ({@link ResultsStore}), and the runner that skips
 * finished runs, so a killed benchmark resumes with nothing lost or counted twice
 * ({@link BenchRunner}).
 */
package org.prune4j.experiment;
