package org.conceptprune.eval.fid;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.util.UserError;

/**
 * A feature cache: one safetensors tensor of N feature rows, {@code pool3} [N, 2048] as
 * {@code score fid-features} writes it (or any {@code features} [N, D]), with metadata naming what made
 * it (model content hash, preprocessing, image-set hash), so a reference set such as COCO is embedded once.
 */
public final class FeatureFile {
  public static final String POOL3 = "pool3";
  public static final String FEATURES = "features";

  /** @param values [n, d] row-major */
  public record Features(Path file, String tensor, int n, int d, float[] values, Map<String, String> metadata) {}

  private FeatureFile() {}

  /** Writes pool3 [n, 2048] with its provenance, atomically. */
  public static void write(Path out, float[] pool3, int n, Map<String, String> metadata) {
    new SafetensorsWriter()
        .metadata(metadata)
        .addFloats(POOL3, new long[] {n, FidInceptionV3.FEATURES}, pool3)
        .write(out);
  }

  /** The provenance metadata of a pool3 file. */
  public static Map<String, String> provenance(String modelFile, String modelSha256, ImageSet images, String imageSetSha256) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("content", "pool3 features of pytorch-fid's FID Inception-v3 (InceptionV3([3]))");
    m.put("model", modelFile);
    m.put("model_sha256", modelSha256);
    m.put("preprocessing", FidPreprocess.DESCRIPTION);
    m.put("image_set", images.describe());
    m.put("image_set_sha256", imageSetSha256);
    m.put("images", Integer.toString(images.size()));
    return m;
  }

  /** Reads the {@code pool3} or {@code features} tensor [N, D] of a feature file, checked. */
  public static Features read(Path file) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      TensorInfo p = f.tensors().get(POOL3);
      TensorInfo q = f.tensors().get(FEATURES);
      if (p != null && q != null) throw new UserError(file + ": has both 'pool3' and 'features'; keep one");
      TensorInfo t = p != null ? p : q;
      if (t == null) {
        throw new UserError(file + ": no tensor 'pool3' or 'features' [N, D] (found: "
            + (f.names().isEmpty() ? "no tensors" : String.join(", ", f.names())) + ")");
      }
      if (t.shape().length != 2) throw new UserError(file + ": '" + t.name() + "' must be [N, D], found " + t.shapeString());
      if (!t.dtype().isFloat()) throw new UserError(file + ": '" + t.name() + "' is " + t.dtype() + ", expected float features");
      int n = Math.toIntExact(t.shape()[0]);
      int d = Math.toIntExact(t.shape()[1]);
      if (n < 2) throw new UserError(file + ": '" + t.name() + "' has " + n + " row(s); a covariance needs at least 2");
      if (d < 1) throw new UserError(file + ": '" + t.name() + "' has no feature dimensions " + t.shapeString());
      float[] v = f.floats(t.name());
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new UserError(file + ": '" + t.name() + "' row " + (i / d) + " has a non-finite value (" + v[i] + ")");
        }
      }
      return new Features(file, t.name(), n, d, v, f.metadata());
    }
  }
}
