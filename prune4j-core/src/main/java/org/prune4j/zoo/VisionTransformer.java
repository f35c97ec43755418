package org.prune4j.zoo;

import org.prune4j.graph.Graph;
import org.prune4j.graph.ops.ActivationOp;
import org.prune4j.graph.ops.AddConstantOp;
import org.prune4j.graph.ops.AddOp;
import org.prune4j.graph.ops.AttentionOp;
import org.prune4j.graph.ops.ChannelAffineOp;
import org.prune4j.graph.ops.Conv2dOp;
import org.prune4j.graph.ops.LayerNormOp;
import org.prune4j.graph.ops.LinearOp;
import org.prune4j.graph.ops.PrependTokensOp;
import org.prune4j.graph.ops.SelectTokenOp;
import org.prune4j.graph.ops.SliceOp;
import org.prune4j.graph.ops.SpatialFlattenOp;

/**
 * A small vision transformer (Dosovitskiy et al. 2021) in torchvision's layout: 4×4 patches of
 * the image embedded to width 64, a class token, learned position embeddings, 4 pre-norm encoder
 * layers (4-head self-attention, MLP of width 128 with GELU) and a linear head on the class token.
 * Token sequences are {@code (D, T, 1)} images, so per-token linear layers are 1×1 convolutions;
 * attention heads and MLP hidden units are its removable channels.
 */
final class VisionTransformer implements ZooArchitecture {

    private static final int WIDTH = 64;
    private static final int HEADS = 4;
    private static final int LAYERS = 4;
    private static final int MLP = 128;
    private static final int PATCHES_PER_SIDE = 4;

    @Override
    public String name() {
        return "vit";
    }

    @Override
    public String description() {
        return "ViT (4 layers, width 64, 4 heads, MLP 128, 4x4 patches)";
    }

    @Override
    public Graph build(ZooOptions o) {
        if (o.imageSize() % PATCHES_PER_SIDE != 0) {
            throw new IllegalArgumentException("vit cuts the image into " + PATCHES_PER_SIDE + "x" + PATCHES_PER_SIDE
                    + " patches: the image size " + o.imageSize() + " must be divisible by " + PATCHES_PER_SIDE);
        }
        int headDim = o.scale(WIDTH / HEADS);
        int width = HEADS * headDim;
        int patch = o.imageSize() / PATCHES_PER_SIDE;
        Graph.Builder b = Graph.builder().setInput("input", o.inputShape());
        b.add("patch.conv", Conv2dOp.builder().setOutChannels(width).setKernel(patch).optStride(patch).build(), "input")
                .add("patch.tokens", new SpatialFlattenOp())
                .add("class_token", new PrependTokensOp(1))
                .add("pos_embedding", new AddConstantOp());
        String x = b.last();
        for (int i = 0; i < LAYERS; i++) {
            String p = "layers." + i + ".";
            String normed = layerNorm(b, p + "ln_1", x);
            b.add(p + "attn.in_proj", pointwise(3 * width), normed)
                    .add(p + "attn.q", new SliceOp(0, width), p + "attn.in_proj")
                    .add(p + "attn.k", new SliceOp(width, 2 * width), p + "attn.in_proj")
                    .add(p + "attn.v", new SliceOp(2 * width, 3 * width), p + "attn.in_proj")
                    .add(p + "attn.heads", new AttentionOp(headDim, 1 / Math.sqrt(headDim)), p + "attn.q", p + "attn.k",
                            p + "attn.v")
                    .add(p + "attn.out_proj", pointwise(width))
                    .add(p + "add_1", new AddOp(), p + "attn.out_proj", x);
            x = b.last();
            normed = layerNorm(b, p + "ln_2", x);
            b.add(p + "mlp.fc1", pointwise(o.scale(MLP)), normed)
                    .add(p + "mlp.gelu", new ActivationOp(ActivationOp.Kind.GELU))
                    .add(p + "mlp.fc2", pointwise(width))
                    .add(p + "add_2", new AddOp(), p + "mlp.fc2", x);
            x = b.last();
        }
        layerNorm(b, "ln", x);
        return b.add("head.token", new SelectTokenOp(0)).add("head", new LinearOp(o.numClasses())).build();
    }

    private static String layerNorm(Graph.Builder b, String name, String input) {
        return b.add(name, new LayerNormOp(1e-6f), input).add(name + ".affine", new ChannelAffineOp()).last();
    }

    /** A linear layer applied to every token. */
    private static Conv2dOp pointwise(int out) {
        return Conv2dOp.builder().setOutChannels(out).setKernel(1).build();
    }
}
