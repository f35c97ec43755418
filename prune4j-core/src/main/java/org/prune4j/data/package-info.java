/**
 * In-memory image data sets and everything needed to feed them to a model.
 *
 * <ul>
 *   <li>{@link org.prune4j.data.ImageDataset}: N x C x H x W float pixels plus integer labels.
 *   <li>Readers: {@link org.prune4j.data.IdxReader} (MNIST / Fashion-MNIST IDX files, raw or
 *       gzip), {@link org.prune4j.data.Cifar10Reader} (CIFAR-10 binary batches), and the
 *       {@link org.prune4j.data.FashionMnist} loader for the Debian-installed data set.
 *   <li>{@link org.prune4j.data.SyntheticImages}: tiny, seeded, clearly separable data for tests.
 *   <li>Per-sample augmentation: {@link org.prune4j.data.SampleTransform} and its
 *       implementations {@link org.prune4j.data.Normalize},
 *       {@link org.prune4j.data.RandomCropWithPadding}, {@link org.prune4j.data.RandomHorizontalFlip}.
 *   <li>Batching: {@link org.prune4j.data.DataLoader} yields {@link org.prune4j.data.Batch}es
 *       that convert to DJL {@code NDList}s.
 * </ul>
 *
 * <p>Everything here is deterministic given a seed, so experiments and tests are reproducible.
 * Problems with files on disk are reported as {@link org.prune4j.data.DataFormatException}s
 * whose message names the file and what is wrong with it.
 */
package org.prune4j.data;
