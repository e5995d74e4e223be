package org.conceptprune.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A node of the model tree. Children and parameters are registered under their checkpoint key
 * relative to this module ({@code child("net.2", new Linear(...))}), so the key of a weight is its
 * path in the tree: {@code down_blocks.0.attentions.1.transformer_blocks.0.ff.net.2.weight}.
 */
public abstract class Module {
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final Map<String, Parameter> params = new LinkedHashMap<>();

  protected final <M extends Module> M child(String name, M module) {
    if (children.put(name, module) != null) throw new IllegalStateException("duplicate child " + name);
    return module;
  }

  protected final Parameter param(String name, long... shape) {
    return register(name, new Parameter(shape));
  }

  /** A parameter held in fp32 even when the model computes in bf16 (the affine weights of norms). */
  protected final Parameter fp32Param(String name, long... shape) {
    return register(name, new Parameter(true, shape));
  }

  private Parameter register(String name, Parameter p) {
    if (params.put(name, p) != null) throw new IllegalStateException("duplicate parameter " + name);
    return p;
  }

  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Every parameter below this module, keyed by its full path (prefix + relative key). */
  public final Map<String, Parameter> parameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    visit("", (k, p) -> out.put(k, p));
    return out;
  }

  private void visit(String prefix, BiConsumer<String, Parameter> f) {
    params.forEach((k, p) -> f.accept(prefix + k, p));
    children.forEach((k, c) -> c.visit(prefix + k + ".", f));
  }

  /** Every module below (and including) this one, keyed by path ("" for this one). */
  public final Map<String, Module> modules() {
    Map<String, Module> out = new LinkedHashMap<>();
    collect("", out);
    return out;
  }

  private void collect(String path, Map<String, Module> out) {
    out.put(path, this);
    children.forEach((k, c) -> c.collect(path.isEmpty() ? k : path + "." + k, out));
  }

  public final long parameterCount() {
    long n = 0;
    for (Parameter p : parameters().values()) n += p.numel();
    return n;
  }
}
