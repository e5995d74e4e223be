package org.conceptprune.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

/**
 * Ops.mul/div/pow/maximum/minimum with a number: gradients stay exact when the garbage collector runs
 * between forward and backward, and no class of the project calls DJL's own number forms of these.
 *
 * <p>Why: DJL 0.36's {@code x.mul(0.25f)} wraps 0.25 in a tensor over a Java direct buffer, closes it
 * at once, and autograd keeps that tensor for backward. The loop below with {@code x.mul(0.25f)} in
 * place of {@code Ops.mul(x, 0.25f)} gave a wrong gradient in 200 of 200 iterations here (1.4e-45,
 * -7.3e-12, -1.2e36, ...): the cause of toy trainings that diverged from the same seed after a few
 * hundred steps and of the rare non-finite gradients in the attacks.
 */
class OpsScalarTest {
  @Test
  void gradientsThroughNumberOperandsSurviveGarbageCollection() throws Exception {
    check("mul", (x, c) -> Ops.mul(x, c), 0.25f, new float[] {0.25f, 0.25f, 0.25f});
    check("div", (x, c) -> Ops.div(x, c), 4f, new float[] {0.25f, 0.25f, 0.25f});
    check("pow", (x, c) -> Ops.pow(x, c), 2f, new float[] {2f, 4f, 6f}); // d x^2 = 2x at 1, 2, 3
    check("maximum", (x, c) -> Ops.maximum(x, c), 1.5f, new float[] {0f, 1f, 1f});
    check("minimum", (x, c) -> Ops.minimum(x, c), 2.5f, new float[] {1f, 1f, 0f});
  }

  private static void check(String op, BiFunction<NDArray, Float, NDArray> f, float c, float[] expected)
      throws InterruptedException {
    try (NDManager m = TorchRuntime.newManager()) {
      for (int it = 0; it < 12; it++) {
        try (NDManager s = m.newSubManager()) {
          NDArray x = s.create(new float[] {1f, 2f, 3f});
          x.setRequiresGradient(true);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = f.apply(x, c).sum();
            churn(s);
            gc.backward(y);
          }
          float[] g = x.getGradient().toFloatArray();
          for (int i = 0; i < g.length; i++) {
            assertEquals(expected[i], g[i], 0f, op + " gradient [" + i + "], iteration " + it);
          }
        }
      }
    }
  }

  /** Collects garbage (freeing unreachable direct buffers) and refills freed native memory with 7s. */
  private static void churn(NDManager s) throws InterruptedException {
    System.gc();
    Thread.sleep(2);
    for (int k = 0; k < 500; k++) s.create(7f).close();
    System.gc();
    Thread.sleep(2);
  }

  private static final Set<String> NUMBER_OPS = Set.of("mul", "div", "pow", "maximum", "minimum");

  @Test
  void noClassCallsDjlsNumberArithmetic() throws IOException {
    Path root = Path.of(Ops.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    List<String> found = new ArrayList<>();
    int classes = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(q -> q.toString().endsWith(".class"))::iterator) {
        classes++;
        try (InputStream in = Files.newInputStream(p)) {
          for (String call : numberOpCalls(in)) found.add(root.relativize(p) + ": " + call);
        }
      }
    }
    assertTrue(classes > 100, "scanned " + classes + " classes under " + root);
    assertEquals(List.of(), found, "use Ops.mul/div/pow/maximum/minimum(x, number): DJL's number forms "
        + "leave autograd a tensor over a freed Java buffer");
  }

  /**
   * The calls in one class file to a DJL method named mul/div/pow/maximum/minimum that takes a
   * java.lang.Number (read from the constant pool: method refs, their name-and-type, their class).
   */
  static List<String> numberOpCalls(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
    in.readUnsignedShort();
    in.readUnsignedShort();
    int n = in.readUnsignedShort();
    String[] utf8 = new String[n];
    int[] className = new int[n];
    int[][] ref = new int[n][]; // method refs: {class, nameAndType}
    int[][] nat = new int[n][]; // name-and-type: {name, descriptor}
    for (int i = 1; i < n; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7, 8, 16, 19, 20 -> className[i] = in.readUnsignedShort();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 9 -> {
          in.readUnsignedShort();
          in.readUnsignedShort();
        }
        case 10, 11 -> ref[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 12 -> nat[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> {
          in.readUnsignedShort();
          in.readUnsignedShort();
        }
        default -> throw new IOException("constant pool tag " + tag);
      }
    }
    List<String> out = new ArrayList<>();
    for (int[] r : ref) {
      if (r == null) continue;
      String owner = utf8[className[r[0]]];
      String name = utf8[nat[r[1]][0]];
      String desc = utf8[nat[r[1]][1]];
      if (owner.startsWith("ai/djl/") && NUMBER_OPS.contains(name) && desc.startsWith("(Ljava/lang/Number;)")) {
        out.add(owner + "." + name + desc);
      }
    }
    return out;
  }
}
