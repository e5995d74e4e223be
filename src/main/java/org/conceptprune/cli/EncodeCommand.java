package org.conceptprune.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.ModelFolder;
import org.conceptprune.io.checkpoint.ModelFolder.TextEncoderSlot;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code encode MODEL --prompt P... --out F}: runs every text encoder of the pipeline on the prompts and
 * writes, per encoder E ({@code text_encoder}, and SDXL's {@code text_encoder_2}):
 *
 * <pre>
 *   E.input_ids          I64 [N, 77]
 *   E.last_hidden_state  F32 [N, 77, D]   after the final layer norm (SD-1.x's prompt_embeds)
 *   E.pooled             F32 [N, D']      WithProjection: text_embeds (D' = projection_dim), else pooler output (D)
 *   E.hidden_states.i    F32 [N, 77, D]   i = 0 (embeddings) .. num_hidden_layers
 * </pre>
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode prompts with the model's text encoder(s) and write the embeddings to a safetensors file.")
public final class EncodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelArgument model;
  @Mixin PromptsFileOption promptsFile;

  @Option(names = {"-p", "--prompt"}, paramLabel = "P", description = "A prompt (repeatable).")
  List<String> prompts;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Output .safetensors file.")
  Path out;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "8", description = "Prompts per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    OutputPaths.inputs().add("the input model", model.model).add("--prompts-file", promptsFile.file).check("--out", out);
    List<String> all = promptsFile.collect(prompts);
    if (batchSize < 1) throw new UserError("--batch-size must be at least 1, got " + batchSize);
    ModelFolder mf = ModelFolder.open(model.model);
    List<TextEncoderSlot> slots = mf.textEncoders();

    PrintWriter err = spec.commandLine().getErr();
    err.println("runtime: " + TorchRuntime.describe());
    SafetensorsWriter w = new SafetensorsWriter();
    w.metadata("model", mf.root().toString());
    w.metadata("prompts", JsonOption.JSON.valueToTree(all).toString());
    for (TextEncoderSlot s : slots) encode(mf, s, all, w);
    w.write(out);
    PrintWriter o = spec.commandLine().getOut();
    o.println("wrote " + out + ": " + all.size() + " prompt(s), " + w.size() + " tensors from "
        + slots.stream().map(TextEncoderSlot::encoder).toList());
    return 0;
  }

  private void encode(ModelFolder mf, TextEncoderSlot s, List<String> all, SafetensorsWriter w) {
    ClipTokenizer tok = ClipTokenizer.load(mf.componentDir(s.tokenizer()));
    Path dir = mf.componentDir(s.encoder());
    ClipTextModel enc = new ClipTextModel(ClipTextConfig.read(mf.configFile(s.encoder())));
    int t = tok.maxLength();
    int n = all.size();
    long[] ids = new long[n * t];
    for (int i = 0; i < n; i++) {
      ClipTokenizer.Encoding e = tok.encode(all.get(i));
      if (e.truncated()) {
        spec.commandLine().getErr().printf("warning: %s: prompt %d truncated to %d tokens (it has %d)%n",
            s.tokenizer(), i + 1, t, e.untruncatedLength());
      }
      System.arraycopy(e.ids(), 0, ids, i * t, t);
    }
    // Per output tensor, the batches' rows in order.
    Map<String, List<float[]>> parts = new LinkedHashMap<>();
    Map<String, long[]> rowShape = new LinkedHashMap<>();
    try (NDManager m = TorchRuntime.newManager(); TensorSource src = ShardedSafetensors.open(dir)) {
      WeightLoader.load(s.encoder(), enc, src, m, ClipTextModel::isBuffer, TorchRuntime.computeType());
      for (int b0 = 0; b0 < n; b0 += batchSize) {
        int b = Math.min(batchSize, n - b0);
        long[] chunk = new long[b * t];
        System.arraycopy(ids, b0 * t, chunk, 0, b * t);
        try (NDManager bm = m.newSubManager()) {
          ClipTextModel.Output r = enc.forward(bm.create(chunk, new Shape(b, t)));
          collect(parts, rowShape, s.encoder() + ".last_hidden_state", r.lastHiddenState());
          collect(parts, rowShape, s.encoder() + ".pooled",
              enc.config.withProjection() ? r.textEmbeds() : r.pooled());
          for (int i = 0; i < r.hiddenStates().size(); i++) {
            collect(parts, rowShape, s.encoder() + ".hidden_states." + i, r.hiddenStates().get(i));
          }
        }
      }
    }
    w.addLongs(s.encoder() + ".input_ids", new long[] {n, t}, ids);
    for (Map.Entry<String, List<float[]>> e : parts.entrySet()) {
      long[] rs = rowShape.get(e.getKey());
      long[] shape = new long[rs.length + 1];
      shape[0] = n;
      System.arraycopy(rs, 0, shape, 1, rs.length);
      w.addFloats(e.getKey(), shape, concat(e.getValue()));
    }
  }

  /** Appends a [B, ...] result as float32 (fp16 GPU outputs are widened). */
  private static void collect(Map<String, List<float[]>> parts, Map<String, long[]> rowShape, String key, NDArray a) {
    long[] s = a.getShape().getShape();
    long[] row = new long[s.length - 1];
    System.arraycopy(s, 1, row, 0, row.length);
    rowShape.putIfAbsent(key, row);
    parts.computeIfAbsent(key, k -> new ArrayList<>()).add(a.toType(DataType.FLOAT32, false).toFloatArray());
  }

  private static float[] concat(List<float[]> l) {
    int len = 0;
    for (float[] f : l) len += f.length;
    float[] out = new float[len];
    int off = 0;
    for (float[] f : l) {
      System.arraycopy(f, 0, out, off, f.length);
      off += f.length;
    }
    return out;
  }
}
