package org.conceptprune.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.train.Checkpoints;
import org.conceptprune.util.UserError;

/**
 * The toy world's judge: a trained {@link JudgeNet} that says which object and which style an image
 * shows. Files: {@code judge.safetensors} (parameters) and {@code judge.json} (config, class names,
 * training record). A trained judge ships in the jar under {@value #RESOURCE_DIR}.
 */
public final class ToyJudge implements AutoCloseable {
  public static final String RESOURCE_DIR = "/conceptprune/toy/judge/";
  public static final String WEIGHTS = "judge.safetensors";
  public static final String CONFIG = "judge.json";

  /** Memory layout of the images given to {@link #classify}. */
  public enum Layout { NCHW, NHWC }

  /**
   * Per image: predicted object and style, and the softmax probabilities, row-major
   * ([n * numObjects] and [n * numStyles]).
   */
  public record Result(int[] object, int[] style, float[] objectProbs, float[] styleProbs, int numObjects, int numStyles) {
    public float objectProb(int image, int object) {
      return objectProbs[image * numObjects + object];
    }

    public float styleProb(int image, int style) {
      return styleProbs[image * numStyles + style];
    }

    int size() {
      return object.length;
    }
  }

  /** judge.json; {@code world} is the name of the world it was trained on (null in judges older than worlds: classic). */
  public record ConfigFile(int[] channels, int[] strides, int groups, List<String> objects, List<String> styles,
      int imageSize, Map<String, Object> training, String world) {
    /** The world named, or classic for a judge that names none. */
    String worldName() {
      return world != null ? world : World.CLASSIC;
    }
  }

  private final NDManager manager;
  private final JudgeNet net;
  private final ConfigFile config;

  public ToyJudge(NDManager manager, JudgeNet net, ConfigFile config) {
    this.manager = manager;
    this.net = net;
    this.config = config;
  }

  ConfigFile config() {
    return config;
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static ConfigFile configOf(World w, JudgeNet.Config c, Map<String, Object> training) {
    return new ConfigFile(c.channels(), c.strides(), c.groups(), w.objects(), w.styleNames(), ToyWorld.SIZE, training,
        w.name());
  }

  /** Loads a judge of the classic world from a folder holding judge.json and judge.safetensors. */
  static ToyJudge load(Path dir) {
    return load(dir, World.classic());
  }

  /**
   * Loads a judge from a folder holding judge.json and judge.safetensors.
   *
   * @throws UserError when the judge was trained for another world than w (class counts or names differ)
   */
  public static ToyJudge load(Path dir, World w) {
    ConfigFile cf;
    try {
      cf = JSON.readValue(dir.resolve(CONFIG).toFile(), ConfigFile.class);
    } catch (IOException e) {
      throw new UserError("cannot read judge config " + dir.resolve(CONFIG) + ": " + e.getMessage());
    }
    requireWorld(cf, w, dir);
    JudgeNet net = new JudgeNet(new JudgeNet.Config(cf.channels(), cf.strides(), cf.groups(),
        cf.objects().size(), cf.styles().size()));
    NDManager m = TorchRuntime.newManager();
    try {
      Checkpoints.load("judge", net, dir.resolve(WEIGHTS), m);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return new ToyJudge(m, net, cf);
  }

  /** Checks that a judge's classes are the world's; UserError naming both worlds and class counts if not. */
  static void requireWorld(ConfigFile cf, World w, Path dir) {
    if (cf.objects() == null || cf.styles() == null) throw new UserError(dir.resolve(CONFIG) + ": no \"objects\" / \"styles\" lists");
    if (cf.objects().size() != w.numObjects() || cf.styles().size() != w.numStyles()) {
      throw new UserError("judge " + dir + " was trained for the " + cf.worldName() + " toy world (" + cf.objects().size()
          + " objects, " + cf.styles().size() + " styles) but the model's world is " + w.name() + " (" + w.numObjects()
          + " objects, " + w.numStyles() + " styles): train a judge for it with `toy judge --world " + w.name() + "`");
    }
    if (!cf.objects().equals(w.objects()) || !cf.styles().equals(w.styleNames())) {
      throw new UserError("judge " + dir + " was trained for the " + cf.worldName() + " toy world, whose style or object names"
          + " differ from the " + w.name() + " world's (judge styles " + World.abbreviated(cf.styles()) + ", world styles "
          + World.abbreviated(w.styleNames()) + ")");
    }
  }

  /** Whether the jar carries a trained judge. */
  static boolean bundledAvailable() {
    return ToyJudge.class.getResource(RESOURCE_DIR + WEIGHTS) != null
        && ToyJudge.class.getResource(RESOURCE_DIR + CONFIG) != null;
  }

  /** Loads the judge shipped in the jar (copied to a temporary folder: safetensors are memory-mapped). */
  public static ToyJudge loadBundled() {
    if (!bundledAvailable()) throw new UserError("no trained judge in the jar (" + RESOURCE_DIR + ")");
    try {
      Path tmp = Files.createTempDirectory("conceptprune-judge");
      for (String f : new String[] {WEIGHTS, CONFIG}) {
        try (InputStream in = ToyJudge.class.getResourceAsStream(RESOURCE_DIR + f)) {
          Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      ToyJudge j = load(tmp);
      for (String f : new String[] {WEIGHTS, CONFIG}) Files.deleteIfExists(tmp.resolve(f));
      Files.deleteIfExists(tmp);
      return j;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes judge.safetensors and judge.json to dir. */
  public static void save(JudgeNet net, ConfigFile cf, Path dir) {
    try {
      Files.createDirectories(dir);
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("format", "pt");
      meta.put("conceptprune.kind", "toy-judge");
      Checkpoints.save(net, dir.resolve(WEIGHTS), meta);
      JSON.writeValue(dir.resolve(CONFIG).toFile(), cf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Classifies n images of 3x32x32 floats in [0,1], given in NCHW order. */
  public Result classify(float[] images, int n) {
    return classify(images, n, Layout.NCHW);
  }

  public Result classify(float[] images, int n, Layout layout) {
    int px = ToyWorld.PIXELS;
    if (images.length < (long) n * px) throw new IllegalArgumentException("need " + n * px + " floats, got " + images.length);
    int no = config.objects().size();
    int ns = config.styles().size();
    int[] obj = new int[n];
    int[] sty = new int[n];
    float[] po = new float[n * no];
    float[] ps = new float[n * ns];
    int chunk = 256;
    for (int start = 0; start < n; start += chunk) {
      int k = Math.min(chunk, n - start);
      float[] part = new float[k * px];
      System.arraycopy(images, start * px, part, 0, k * px);
      try (NDManager sub = manager.newSubManager()) {
        NDArray x = layout == Layout.NCHW
            ? sub.create(part, new Shape(k, 3, ToyWorld.SIZE, ToyWorld.SIZE))
            : sub.create(part, new Shape(k, ToyWorld.SIZE, ToyWorld.SIZE, 3)).transpose(0, 3, 1, 2);
        NDList out = net.forward(x);
        float[] a = out.get(0).softmax(1).toFloatArray();
        float[] b = out.get(1).softmax(1).toFloatArray();
        System.arraycopy(a, 0, po, start * no, k * no);
        System.arraycopy(b, 0, ps, start * ns, k * ns);
        for (int i = 0; i < k; i++) {
          obj[start + i] = argmax(a, i * no, no);
          sty[start + i] = argmax(b, i * ns, ns);
        }
      }
    }
    return new Result(obj, sty, po, ps, no, ns);
  }

  private static int argmax(float[] v, int off, int len) {
    int best = 0;
    for (int i = 1; i < len; i++) if (v[off + i] > v[off + best]) best = i;
    return best;
  }

  @Override
  public void close() {
    manager.close();
  }
}
