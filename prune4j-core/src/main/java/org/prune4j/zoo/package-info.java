/**
 * The model zoo: MLP, LeNet-5, VGG, CIFAR ResNets, MobileNetV2 and DenseNet-BC as graphs,
 * sized by {@link org.prune4j.zoo.ZooOptions}, found by name in {@link org.prune4j.zoo.ModelZoo}.
 */
package org.prune4j.zoo;
