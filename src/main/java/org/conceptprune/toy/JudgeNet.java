package org.conceptprune.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Scope;

/**
 * The judge's network: a small CNN with two heads. Input [N, 3, 32, 32] in [0,1]; conv blocks
 * (conv 3x3 -> GroupNorm -> SiLU), the first at full resolution, then three with stride 2 (to 4x4)
 * and one more at 4x4; global average pool; linear heads for object and style logits.
 * Parameter keys: {@code blocks.i.conv.weight}, {@code blocks.i.norm.weight}, {@code object_head.weight}, ...
 */
public final class JudgeNet extends Module {
  /** Channel widths of the conv blocks and the GroupNorm group count. */
  public record Config(int[] channels, int[] strides, int groups, int numObjects, int numStyles) {
    /** The default network with heads for the world's objects and styles. */
    public static Config defaults(World w) {
      return new Config(new int[] {32, 64, 96, 128, 128}, new int[] {2, 1, 2, 2, 1}, 8, w.numObjects(), w.numStyles());
    }
  }

  private final Config config;
  private final Conv2d[] convs;
  private final GroupNorm[] norms;
  private final Linear objectHead;
  private final Linear styleHead;

  public JudgeNet(Config c) {
    this.config = c;
    int n = c.channels().length;
    convs = new Conv2d[n];
    norms = new GroupNorm[n];
    int in = 3;
    for (int i = 0; i < n; i++) {
      int out = c.channels()[i];
      Module block = child("blocks." + i, new Block());
      convs[i] = ((Block) block).add("conv", new Conv2d(in, out, 3, c.strides()[i], 1));
      norms[i] = ((Block) block).add("norm", new GroupNorm(c.groups(), out, 1e-5f));
      in = out;
    }
    objectHead = child("object_head", new Linear(in, c.numObjects(), true));
    styleHead = child("style_head", new Linear(in, c.numStyles(), true));
  }

  /** A container node so that keys read blocks.i.conv / blocks.i.norm. */
  private static final class Block extends Module {
    <M extends Module> M add(String name, M m) {
      return child(name, m);
    }
  }

  public Config config() {
    return config;
  }

  /** Pooled features [N, C] of images [N, 3, 32, 32] in [0,1]. */
  public NDArray features(NDArray images) {
    return Scope.run(images, () -> {
      NDArray h = Ops.mul(images, 2f).sub(1f);
      for (int i = 0; i < convs.length; i++) h = Ops.silu(norms[i].forward(convs[i].forward(h)));
      return h.mean(new int[] {3}).mean(new int[] {2});
    });
  }

  /** (object logits [N, numObjects], style logits [N, numStyles]). */
  public NDList forward(NDArray images) {
    NDArray f = features(images);
    return new NDList(objectHead.forward(f), styleHead.forward(f));
  }
}
