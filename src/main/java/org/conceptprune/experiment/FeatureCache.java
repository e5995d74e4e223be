package org.conceptprune.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.eval.image.ImageFiles;
import org.conceptprune.eval.fid.FeatureFile;
import org.conceptprune.eval.fid.FidFeatureExtractor;
import org.conceptprune.eval.fid.FidInceptionV3;
import org.conceptprune.eval.fid.FidPreprocess;
import org.conceptprune.eval.fid.ImageSet;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.util.UserError;

/**
 * The pool3 features of an evaluation folder, {@code OUT/features/}: per model {@code <model>.safetensors}
 * ({@code pool3} [N, 2048] and {@code rows} [N] I64, the prompt rows in order; {@code score fid} reads
 * them as they are), and {@code reference.safetensors}, the features of a reference folder. Each names
 * the FID weights' content hash; a file made by other weights is rebuilt. A model's features are
 * rebuilt from its PNGs where missing (a merged or resumed folder), so they never depend on how the
 * images were scored.
 */
final class FeatureCache {
  static final String ROWS = "rows";
  static final String MODEL_SHA256 = "model_sha256";
  static final String LISTING_SHA256 = "listing_sha256";

  private final Path dir;
  private final ImageStore store;
  private final FidJudge fid;

  FeatureCache(Path out, FidJudge fid) {
    this.dir = out.resolve("features");
    this.store = new ImageStore(out);
    this.fid = fid;
  }

  Path file(String model) {
    return dir.resolve(model + ".safetensors");
  }

  /**
   * The features of a model's images of {@code rows} (in that order): [rows.size(), 2048]. Taken from
   * {@code fresh} (computed while scoring), then the model's file, then its PNGs; the file is rewritten
   * when anything was added.
   */
  float[] model(String model, List<Integer> rows, Map<Integer, float[]> fresh) {
    Map<Integer, float[]> known = read(model);
    boolean changed = !fresh.isEmpty() && !fresh.keySet().stream().allMatch(known::containsKey);
    known.putAll(fresh);
    List<Integer> missing = rows.stream().filter(r -> !known.containsKey(r)).toList();
    int d = FidInceptionV3.FEATURES;
    for (int i = 0; i < missing.size(); i += 16) {
      List<Integer> part = missing.subList(i, Math.min(missing.size(), i + 16));
      List<RgbImage> imgs = new ArrayList<>();
      for (int r : part) imgs.add(RgbImage.read(store.png(model, r)));
      float[] f = fid.pool3(imgs); // [part, 2048]
      for (int k = 0; k < part.size(); k++) {
        float[] one = new float[d];
        System.arraycopy(f, k * d, one, 0, d);
        known.put(part.get(k), one);
      }
      changed = true;
    }
    if (changed) write(model, known);
    float[] out = new float[rows.size() * d];
    for (int i = 0; i < rows.size(); i++) System.arraycopy(known.get(rows.get(i)), 0, out, i * d, d);
    return out;
  }

  /** The model's file, row -> features; empty when there is none or other weights made it. */
  private Map<Integer, float[]> read(String model) {
    Map<Integer, float[]> m = new TreeMap<>();
    Path f = file(model);
    if (!Files.exists(f)) return m;
    String want = fid.modelHash();
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      if (!want.equals(s.metadata().get(MODEL_SHA256))) return m;
      if (!s.tensors().containsKey(ROWS) || !s.tensors().containsKey(FeatureFile.POOL3)) {
        throw new UserError("no '" + ROWS + "' and '" + FeatureFile.POOL3 + "' tensors");
      }
      long[] rows = s.longs(ROWS);
      float[] v = s.floats(FeatureFile.POOL3);
      int d = FidInceptionV3.FEATURES;
      if (v.length != rows.length * d) throw new UserError(rows.length + " rows but " + v.length / d + " feature rows");
      for (int i = 0; i < rows.length; i++) {
        float[] one = new float[d];
        System.arraycopy(v, i * d, one, 0, d);
        m.put(Math.toIntExact(rows[i]), one);
      }
    } catch (UserError e) {
      throw new UserError(f + ": not a feature file of this evaluation (" + e.getMessage() + "); delete it to rebuild it");
    }
    return m;
  }

  private void write(String model, Map<Integer, float[]> byRow) {
    Map<Integer, float[]> sorted = new TreeMap<>(byRow);
    int d = FidInceptionV3.FEATURES;
    float[] v = new float[sorted.size() * d];
    long[] rows = new long[sorted.size()];
    int i = 0;
    for (var e : sorted.entrySet()) {
      rows[i] = e.getKey();
      System.arraycopy(e.getValue(), 0, v, i * d, d);
      i++;
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("content", "pool3 features of pytorch-fid's FID Inception-v3 of the images of model " + model + ", by prompt row");
    meta.put("model", fid.weights().getFileName().toString());
    meta.put(MODEL_SHA256, fid.modelHash());
    meta.put("preprocessing", FidPreprocess.DESCRIPTION);
    meta.put("images", Integer.toString(rows.length));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError("cannot create " + dir + " (" + e.getMessage() + ")", e);
    }
    new SafetensorsWriter().metadata(meta).addFloats(FeatureFile.POOL3, new long[] {rows.length, d}, v)
        .addLongs(ROWS, new long[] {rows.length}, rows).write(file(model));
  }

  /**
   * The reference features: a feature file as it is (it must come from the same FID weights when it
   * names them), or a folder's images embedded as {@code score fid-features --images DIR} does, cached
   * in {@code reference.safetensors} while the folder's listing (names, sizes, times) stays the same.
   */
  FeatureFile.Features reference(Path ref) {
    if (!Files.isDirectory(ref)) {
      FeatureFile.Features f = FeatureFile.read(ref);
      String made = f.metadata().get(MODEL_SHA256);
      if (made != null && !made.equals(fid.modelHash())) {
        throw new UserError("--fid-reference " + ref + " was embedded by other FID weights (model_sha256 " + made.substring(0, 12)
            + "..., --fid-model " + fid.weights() + " is " + fid.modelHash().substring(0, 12) + "...)");
      }
      if (f.d() != FidInceptionV3.FEATURES) {
        throw new UserError("--fid-reference " + ref + ": '" + f.tensor() + "' has " + f.d() + " features per row, expected pool3's "
            + FidInceptionV3.FEATURES);
      }
      return f;
    }
    List<Path> files = ImageFiles.listImages(ref);
    String listing = listing(files);
    Path cached = dir.resolve("reference.safetensors");
    if (Files.exists(cached)) {
      FeatureFile.Features f = FeatureFile.read(cached);
      if (listing.equals(f.metadata().get(LISTING_SHA256)) && fid.modelHash().equals(f.metadata().get(MODEL_SHA256))) return f;
    }
    if (files.size() < 2) throw new UserError("--fid-reference " + ref + ": " + files.size() + " image; FID needs at least 2");
    ImageSet set = ImageSet.files(files);
    FidFeatureExtractor.Features f = fid.pool3(set);
    Map<String, String> meta = new LinkedHashMap<>(FeatureFile.provenance(fid.weights().getFileName().toString(), fid.modelHash(), set,
        f.imageSetSha256()));
    meta.put("reference", ref.toAbsolutePath().toString());
    meta.put(LISTING_SHA256, listing);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError("cannot create " + dir + " (" + e.getMessage() + ")", e);
    }
    FeatureFile.write(cached, f.pool3(), f.n(), meta);
    return FeatureFile.read(cached);
  }

  /** SHA-256 of "name size mtime" per file: a changed folder is embedded again. */
  static String listing(List<Path> files) {
    StringBuilder sb = new StringBuilder();
    try {
      for (Path p : files) {
        sb.append(p.getFileName()).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
      }
    } catch (IOException e) {
      throw new UserError("cannot list the reference images (" + e.getMessage() + ")", e);
    }
    return PromptSet.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
