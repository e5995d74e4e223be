package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.util.OutputPaths;

/** {@code --model [LABEL=]PATH} and {@code --mask [LABEL=]PATCH} as the models of an evaluation. */
public final class ModelSpecs {
  private ModelSpecs() {}

  /**
   * The models (the first is the base, label 'base'), then one per mask patch applied to the base
   * (label default: the file name; no model given: the shipped toy model); every path is added to
   * {@code inputs}, the paths an output must not touch.
   */
  public static List<Evaluation.ModelSpec> parse(List<String> models, List<String> masks, OutputPaths inputs) {
    List<Evaluation.ModelSpec> specs = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      String[] lp = labelled(models.get(i), i == 0 ? "base" : "model" + i);
      inputs.add("--model", Path.of(lp[1]));
      specs.add(new Evaluation.ModelSpec(lp[0], Path.of(lp[1]), null));
    }
    for (String m : masks) {
      Path p = Path.of(labelled(m, "")[1]);
      String def = p.getFileName().toString().replaceAll("\\.mask\\.safetensors$|\\.safetensors$", "");
      String[] lp = labelled(m, def);
      inputs.add("--mask", p);
      if (specs.isEmpty()) specs.add(null); // the toy default base is filled in below
      specs.add(new Evaluation.ModelSpec(lp[0], p, p));
    }
    if (!specs.isEmpty() && specs.get(0) == null) {
      specs.set(0, new Evaluation.ModelSpec("base", ToyModel.extractBundled(), null));
    }
    // a mask spec carries the base model's path
    List<Evaluation.ModelSpec> out = new ArrayList<>();
    for (Evaluation.ModelSpec s : specs) out.add(s.mask() != null ? new Evaluation.ModelSpec(s.label(), specs.get(0).model(), s.mask()) : s);
    return out;
  }

  /** "LABEL=PATH" -> {LABEL, PATH}; "PATH" -> {default, PATH}. */
  static String[] labelled(String s, String def) {
    int eq = s.indexOf('=');
    if (eq > 0 && s.substring(0, eq).matches("[A-Za-z0-9._+-]+")) return new String[] {s.substring(0, eq), s.substring(eq + 1)};
    return new String[] {def, s};
  }
}
