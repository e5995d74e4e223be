package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.ModelFolder;
import org.conceptprune.io.checkpoint.ModelIndex;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code inspect MODEL}: components, their dtypes and parameter counts, and every FFN-2 layer (the
 * {@code ff.net.2} Linear whose inputs are the neurons ConceptPrune scores), all from safetensors
 * headers alone: no weight is read.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "List a model's components, dtypes, parameter counts and FFN-2 (ff.net.2) layers.")
public final class InspectCommand implements Callable<Integer> {
  static final String FFN2_SUFFIX = "ff.net.2.weight";

  @Spec CommandSpec spec;
  @Mixin ModelArgument model;
  @Mixin JsonOption json;

  /** One component row; dtypes/parameters are empty/-1 for a component without weights. */
  record ComponentInfo(String name, String library, String className, List<String> dtypes, long parameters) {}

  /**
   * One FFN-2 layer.
   *
   * @param shape [out, in] of ff.net.2.weight; in = the FFN's hidden width = its neuron count
   */
  record Ffn2Layer(String component, String name, long[] shape) {
    long neurons() {
      return shape[shape.length - 1];
    }
  }

  @picocli.CommandLine.Option(names = "--config", paramLabel = "DIR",
      description = "For a single-file MODEL: a diffusers folder whose configs to use (default: the bundled ones).")
  java.nio.file.Path config;

  @Override
  public Integer call() {
    if (java.nio.file.Files.isRegularFile(model.model)) {
      // A single file: its components seen through the key conversion, configs from --config or bundled.
      try (org.conceptprune.pipeline.ModelSource ms = org.conceptprune.pipeline.ModelSource.open(model.model, config)) {
        return inspect(ModelFolder.open(ms.configDir), name -> Component.isWeighted(name) && ms.has(Component.of(name)),
            name -> ms.weights(Component.of(name)), model.model + " (single file, " + ms.arch + ")");
      }
    }
    ModelFolder folder = ModelFolder.open(model.model);
    return inspect(folder, folder::hasWeights, name -> ShardedSafetensors.open(folder.componentDir(name)), null);
  }

  private Integer inspect(ModelFolder mf, java.util.function.Predicate<String> hasWeights,
      java.util.function.Function<String, TensorSource> weights, String title) {
    List<ComponentInfo> comps = new ArrayList<>();
    List<Ffn2Layer> ffn = new ArrayList<>();
    for (String name : mf.index().present()) {
      ModelIndex.Entry c = mf.index().component(name);
      if (!hasWeights.test(name)) {
        comps.add(new ComponentInfo(name, c.library(), c.className(), List.of(), -1));
        continue;
      }
      {
        TensorSource src = weights.apply(name);
        TreeSet<String> dtypes = new TreeSet<>();
        long params = 0;
        for (TensorInfo t : src.tensors().values()) {
          // Integer tensors (position_ids) are buffers, not parameters.
          if (!t.dtype().isFloat()) continue;
          dtypes.add(t.dtype().name());
          params += t.numel();
          if (t.name().endsWith(FFN2_SUFFIX)) {
            ffn.add(new Ffn2Layer(name, t.name().substring(0, t.name().length() - ".weight".length()), t.shape()));
          }
        }
        comps.add(new ComponentInfo(name, c.library(), c.className(), List.copyOf(dtypes), params));
        if (title == null) src.close();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    String shown = title != null ? title : mf.root().toString();
    if (json.json) printJson(out, mf, shown, comps, ffn);
    else printText(out, mf, shown, comps, ffn);
    return 0;
  }

  private static void printText(PrintWriter out, ModelFolder mf, String shown, List<ComponentInfo> comps, List<Ffn2Layer> ffn) {
    out.println("model: " + shown + " (" + mf.index().pipelineClass() + ")");
    if (mf.index().forceZerosForEmptyPrompt() != null) {
      out.println("force_zeros_for_empty_prompt: " + mf.index().forceZerosForEmptyPrompt());
    }
    out.printf(Locale.ROOT, "%-16s %-14s %-32s %-10s %15s%n", "component", "library", "class", "dtypes", "parameters");
    long total = 0;
    for (ComponentInfo c : comps) {
      out.printf(Locale.ROOT, "%-16s %-14s %-32s %-10s %15s%n", c.name(), c.library(), c.className(),
          c.dtypes().isEmpty() ? "-" : String.join(",", c.dtypes()),
          c.parameters() < 0 ? "-" : String.format(Locale.ROOT, "%,d", c.parameters()));
      total += Math.max(0, c.parameters());
    }
    out.println();
    out.println("FFN-2 layers (" + FFN2_SUFFIX + "): " + ffn.size());
    long neurons = 0;
    for (Ffn2Layer l : ffn) {
      out.printf(Locale.ROOT, "  %-14s %-64s %s%n", l.component(), l.name(), java.util.Arrays.toString(l.shape()));
      neurons += l.neurons();
    }
    out.println();
    out.printf(Locale.ROOT, "total: %,d parameters; %d FFN-2 layers, %,d FFN-2 neurons (ff.net.2 inputs)%n",
        total, ffn.size(), neurons);
  }

  private static void printJson(PrintWriter out, ModelFolder mf, String shown, List<ComponentInfo> comps, List<Ffn2Layer> ffn) {
    ObjectNode root = JsonOption.JSON.createObjectNode();
    root.put("model", shown);
    root.put("pipeline_class", mf.index().pipelineClass());
    if (mf.index().forceZerosForEmptyPrompt() != null) {
      root.put("force_zeros_for_empty_prompt", mf.index().forceZerosForEmptyPrompt());
    }
    ArrayNode ca = root.putArray("components");
    long total = 0;
    for (ComponentInfo c : comps) {
      ObjectNode o = ca.addObject();
      o.put("name", c.name());
      o.put("library", c.library());
      o.put("class", c.className());
      if (c.parameters() >= 0) {
        ArrayNode d = o.putArray("dtypes");
        c.dtypes().forEach(d::add);
        o.put("parameters", c.parameters());
        total += c.parameters();
      } else {
        o.putNull("parameters");
      }
    }
    ArrayNode fa = root.putArray("ffn2_layers");
    long neurons = 0;
    for (Ffn2Layer l : ffn) {
      ObjectNode o = fa.addObject();
      o.put("component", l.component());
      o.put("name", l.name());
      ArrayNode s = o.putArray("shape");
      for (long d : l.shape()) s.add(d);
      o.put("neurons", l.neurons());
      neurons += l.neurons();
    }
    ObjectNode t = root.putObject("totals");
    t.put("parameters", total);
    t.put("ffn2_layers", ffn.size());
    t.put("ffn2_neurons", neurons);
    out.println(root.toPrettyString());
  }
}
