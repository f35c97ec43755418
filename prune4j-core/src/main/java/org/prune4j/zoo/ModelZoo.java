package org.prune4j.zoo;

import org.prune4j.graph.Graph;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The architectures prune4j ships, found by name: mlp, lenet5, vgg11, vgg16, resnet20/32/56, mobilenetv2, densenet, vit. */
public final class ModelZoo {

    private static final Map<String, ZooArchitecture> ARCHITECTURES = new LinkedHashMap<>();

    static {
        register(new Mlp());
        register(new LeNet5());
        register(new Vgg(11));
        register(new Vgg(16));
        register(new CifarResNet(20));
        register(new CifarResNet(32));
        register(new CifarResNet(56));
        register(new MobileNetV2());
        register(new DenseNet());
        register(new VisionTransformer());
    }

    private ModelZoo() {}

    public static synchronized void register(ZooArchitecture architecture) {
        ARCHITECTURES.put(architecture.name().toLowerCase(Locale.ROOT), architecture);
    }

    public static synchronized Collection<ZooArchitecture> architectures() {
        return Collections.unmodifiableCollection(ARCHITECTURES.values());
    }

    public static synchronized boolean contains(String name) {
        return ARCHITECTURES.containsKey(name.toLowerCase(Locale.ROOT));
    }

    public static synchronized ZooArchitecture get(String name) {
        ZooArchitecture a = ARCHITECTURES.get(name.toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; the zoo has " + ARCHITECTURES.keySet());
        }
        return a;
    }

    public static Graph build(String name, ZooOptions options) {
        return get(name).build(options);
    }
}
