package org.conceptprune.eval.nudenet;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;

/**
 * A NudeNet v3 detector ({@code 320n.onnx}, {@code 640m.onnx}: YOLOv8 exports) run by ONNX Runtime,
 * with the pre- and post-processing of one NudeNet release ({@link NudeNetVersion}: 3.0.8's
 * {@link Letterbox}, 3.4.2's {@link SquarePad}; {@link NudeNetDecoder}).
 *
 * <p>Signature: one input float {@code [1, 3, S, S]} (fixed, or with symbolic batch, height and width
 * as an ultralytics {@code dynamic=True} export), one output float {@code [1, 4 + 18, A]}. Anything
 * else is refused with a {@link UserError} naming the file. S: 3.0.8 reads it from the model, 3.4.2
 * takes {@code inference_resolution} (default 320) whatever the model says.
 */
public final class NudeDetector implements AutoCloseable {
  private static final int OUTPUT_ROWS = 4 + NudeNetLabel.COUNT;

  private final Path file;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;
  private final NudeNetVersion version;
  private final int size;

  private NudeDetector(Path file, OrtEnvironment env, OrtSession session, String inputName, NudeNetVersion version, int size) {
    this.file = file;
    this.env = env;
    this.session = session;
    this.inputName = inputName;
    this.version = version;
    this.size = size;
  }

  /** Loads and checks the model, for NudeNet 3.0.8's processing. */
  public static NudeDetector open(Path file, int threads) {
    return open(file, threads, NudeNetSettings.DEFAULT);
  }

  /**
   * Loads and checks the model.
   *
   * @param threads ONNX Runtime intra-op threads (the tests use 1)
   */
  public static NudeDetector open(Path file, int threads, NudeNetSettings settings) {
    if (!Files.exists(file)) throw new UserError(file + ": no such file (a NudeNet v3 .onnx, e.g. 320n.onnx)");
    if (!Files.isRegularFile(file)) throw new UserError(file + ": not a file (a NudeNet v3 .onnx, e.g. 320n.onnx)");
    OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "conceptprune");
    OrtSession session;
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(Math.max(1, threads));
      opts.setInterOpNumThreads(1);
      opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      session = env.createSession(file.toString(), opts);
    } catch (OrtException e) {
      throw new UserError(file + ": not an ONNX model ONNX Runtime can load (" + oneLine(e.getMessage()) + ")", e);
    }
    try {
      Map<String, NodeInfo> in = session.getInputInfo();
      Map<String, NodeInfo> out = session.getOutputInfo();
      int s = checkSignature(in, out);
      if (s < 0) {
        throw new UserError(file + ": not a NudeNet v3 detector: expected input float [1, 3, S, S] and output float [1, "
            + OUTPUT_ROWS + ", A], found " + describe("input", in) + ", " + describe("output", out));
      }
      return new NudeDetector(file, env, session, in.keySet().iterator().next(), settings.version(), inputSide(file, s, settings));
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException ignored) {
        // already failing
      }
      if (e instanceof RuntimeException r) throw r;
      throw new UserError(file + ": cannot read the model's inputs and outputs (" + oneLine(e.getMessage()) + ")", e);
    }
  }

  /** @return S when the signature is NudeNet v3's with a fixed size, 0 when height and width are symbolic, else -1 */
  static int checkSignature(Map<String, NodeInfo> in, Map<String, NodeInfo> out) {
    if (in.size() != 1 || out.size() != 1) return -1;
    long[] is = floatShape(in.values().iterator().next());
    long[] os = floatShape(out.values().iterator().next());
    if (is == null || os == null || is.length != 4 || os.length != 3) return -1;
    boolean fixed = is[2] > 0 && is[2] == is[3] && is[2] <= 8192;
    boolean symbolic = is[2] < 0 && is[3] < 0; // ONNX Runtime reports a named dimension as -1
    boolean input = (is[0] == 1 || is[0] == -1) && is[1] == 3 && (fixed || symbolic);
    boolean output = (os[0] == 1 || os[0] == -1) && (os[1] == OUTPUT_ROWS || os[1] == -1) && os[2] != 0; // -1: checked per run
    return input && output ? (fixed ? (int) is[2] : 0) : -1;
  }

  /**
   * The side S the pictures are fed at.
   *
   * @param modelSize the model's fixed input side, 0 when symbolic
   */
  static int inputSide(Path file, int modelSize, NudeNetSettings settings) {
    int asked = settings.inferenceResolution();
    if (settings.version() == NudeNetVersion.V3_0_8) {
      if (modelSize > 0 && asked != 0 && asked != modelSize) {
        throw new UserError(file + ": NudeNet 3.0.8 feeds the model's own input size " + modelSize
            + ", not --inference-resolution " + asked + " (an option of NudeNet 3.4)");
      }
      if (modelSize > 0) return modelSize;
      if (asked == 0) {
        throw new UserError(file + ": the model's input size is symbolic and NudeNet 3.0.8 reads it from the model;"
            + " pass --inference-resolution S");
      }
      return asked;
    }
    int side = asked == 0 ? NudeNetVersion.DEFAULT_RESOLUTION_34 : asked;
    if (modelSize > 0 && modelSize != side) {
      throw new UserError(file + ": the model takes " + modelSize + "x" + modelSize + " inputs but NudeNet "
          + settings.version().label() + " feeds inference_resolution " + side + "; pass --inference-resolution " + modelSize);
    }
    return side;
  }

  private static long[] floatShape(NodeInfo node) {
    ValueInfo v = node.getInfo();
    return v instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT ? t.getShape() : null;
  }

  private static String describe(String kind, Map<String, NodeInfo> nodes) {
    if (nodes.size() != 1) return nodes.size() + " " + kind + "s " + nodes.keySet();
    NodeInfo n = nodes.values().iterator().next();
    if (n.getInfo() instanceof TensorInfo t) {
      return kind + " '" + n.getName() + "' " + t.type.name().toLowerCase(java.util.Locale.ROOT) + " "
          + Arrays.toString(t.getShape()).replace("-1", "?");
    }
    return kind + " '" + n.getName() + "' (not a tensor)";
  }

  /** The release whose processing this detector reproduces. */
  public NudeNetVersion version() {
    return version;
  }

  /** The detector's square input size S. */
  public int inputSize() {
    return size;
  }

  public Path file() {
    return file;
  }

  /** The detections of one picture, highest score first (what nudenet's {@code detect} returns). */
  public NudeNetDecoder.Decoded detect(RgbImage image) {
    if (version == NudeNetVersion.V3_4_2) {
      SquarePad pad = SquarePad.of(image, size);
      RawOutput y = run(pad.nchw());
      return NudeNetDecoder.decode(y.values(), y.anchors(), pad);
    }
    Letterbox box;
    try {
      box = Letterbox.of(image, size);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    RawOutput y = run(box.nchw());
    return NudeNetDecoder.decode(y.values(), y.anchors(), box);
  }

  /** The network's output {@code [22, A]} (batch dimension dropped). */
  record RawOutput(float[] values, int anchors) {}

  /** Runs the network on one picture's input {@code [1, 3, S, S]}. */
  RawOutput run(float[] nchw) {
    long[] shape = {1, 3, size, size};
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), shape);
         OrtSession.Result r = session.run(Map.of(inputName, x))) {
      OnnxTensor y = (OnnxTensor) r.get(0);
      long[] ys = y.getInfo().getShape();
      if (ys.length != 3 || ys[0] != 1 || ys[1] != OUTPUT_ROWS || ys[2] < 1) {
        throw new UserError(file + ": the detector returned shape " + Arrays.toString(ys) + ", expected [1, " + OUTPUT_ROWS + ", A]");
      }
      FloatBuffer fb = y.getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return new RawOutput(out, (int) ys[2]);
    } catch (OrtException e) {
      throw new UserError(file + ": ONNX Runtime failed on the picture (" + oneLine(e.getMessage()) + ")", e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
