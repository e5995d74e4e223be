package org.conceptprune.io.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.util.UserError;

/**
 * A diffusers {@code model_index.json}: the pipeline class and, per component, the library and class
 * that load it, e.g. {@code "unet": ["diffusers", "UNet2DConditionModel"]}. Entries such as
 * {@code "safety_checker": [null, null]} mean "no such component" and are kept as null.
 *
 * @param file where it was read from, for messages
 * @param pipelineClass {@code _class_name}, e.g. StableDiffusionPipeline, StableDiffusionXLPipeline
 * @param components every component entry in file order; the value is null for a [null, null] entry
 * @param forceZerosForEmptyPrompt SDXL's flag, or null when the file has none (SD-1.x/2.x)
 */
public record ModelIndex(Path file, String pipelineClass, Map<String, Entry> components,
    Boolean forceZerosForEmptyPrompt) {

  public static final String TOKENIZER = "tokenizer";
  public static final String TOKENIZER_2 = "tokenizer_2";
  public static final String SCHEDULER = "scheduler";

  /** One component's loader: {@code [library, class]}. */
  public record Entry(String library, String className) {}

  public static ModelIndex read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    String cls = c.reqString("_class_name");
    Map<String, Entry> comps = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = c.json().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      // "_class_name", "_diffusers_version", ... are metadata; booleans such as
      // requires_safety_checker are pipeline flags, not components.
      if (key.startsWith("_") || !v.isArray()) continue;
      if (v.size() != 2) {
        throw new UserError(file + ": key '" + key + "' should be [library, class], found " + v);
      }
      JsonNode lib = v.get(0);
      JsonNode klass = v.get(1);
      if (lib.isNull() && klass.isNull()) {
        comps.put(key, null);
      } else if (lib.isTextual() && klass.isTextual()) {
        comps.put(key, new Entry(lib.asText(), klass.asText()));
      } else {
        throw new UserError(file + ": key '" + key + "' should be [library, class] (two strings or two nulls), found " + v);
      }
    }
    Boolean zeros = c.has("force_zeros_for_empty_prompt") ? c.optBool("force_zeros_for_empty_prompt", false) : null;
    return new ModelIndex(file, cls, Collections.unmodifiableMap(comps), zeros);
  }

  /** @return the component's loader, or null when it is absent or a [null, null] entry */
  public Entry component(String name) {
    return components.get(name);
  }

  public boolean has(String name) {
    return components.get(name) != null;
  }

  /** The names of the components that are present (not [null, null]), in file order. */
  public List<String> present() {
    List<String> l = new ArrayList<>();
    components.forEach((k, v) -> {
      if (v != null) l.add(k);
    });
    return l;
  }

  public boolean isSdxl() {
    return pipelineClass.contains("XL");
  }

  /**
   * Whether the negative/unconditional embedding of an empty prompt is all zeros. diffusers'
   * SDXL pipelines register this flag with default True; SD-1.x/2.x always encode "".
   */
  boolean zerosForEmptyPrompt() {
    return forceZerosForEmptyPrompt != null ? forceZerosForEmptyPrompt : isSdxl();
  }
}
