package org.conceptprune.toy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;

/**
 * Seeded initialisation of a module tree, PyTorch-like: Linear and Conv2d weights kaiming-uniform
 * with a = sqrt(5) (bound 1/sqrt(fan_in)), biases zero, norm weights one and biases zero, embedding
 * tables normal(0, 0.02). Each parameter gets its own stream derived from (seed, path), so the
 * value of one parameter does not depend on which other parameters exist or their order.
 */
public final class ParamInit {
  private ParamInit() {}

  /** The std of embedding tables (CLIP's and PyTorch-Transformers' initializer_range). */
  public static final double EMBEDDING_STD = 0.02;

  /** Initialises every parameter below root (bound or not) with fresh fp32 arrays in manager. */
  public static void init(Module root, NDManager manager, long seed) {
    Set<String> done = new HashSet<>();
    for (Map.Entry<String, Module> e : root.modules().entrySet()) {
      Module m = e.getValue();
      String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
      boolean dense = m instanceof Linear || m instanceof Conv2d;
      boolean norm = m instanceof GroupNorm || m instanceof LayerNorm;
      if (!dense && !norm) continue;
      for (Map.Entry<String, Parameter> p : m.parameters().entrySet()) {
        String key = prefix + p.getKey();
        Parameter par = p.getValue();
        if (p.getKey().equals("weight")) {
          if (dense) kaimingUniform(par, manager, seed, key);
          else constant(par, manager, 1f);
        } else {
          constant(par, manager, 0f);
        }
        done.add(key);
      }
    }
    for (Map.Entry<String, Parameter> e : root.parameters().entrySet()) {
      if (done.contains(e.getKey())) continue;
      String k = e.getKey();
      Parameter p = e.getValue();
      if (k.contains("embedding")) normal(p, manager, seed, k, EMBEDDING_STD);
      else if (k.endsWith("bias") || p.shape().length < 2 && !k.endsWith("weight")) constant(p, manager, 0f);
      else if (p.shape().length < 2) constant(p, manager, 1f);
      else kaimingUniform(p, manager, seed, k);
    }
  }

  /** The stream of one parameter. */
  public static SplittableRandom stream(long seed, String key) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < key.length(); i++) h = (h ^ key.charAt(i)) * 0x100000001B3L;
    return new SplittableRandom(h);
  }

  public static void kaimingUniform(Parameter p, NDManager m, long seed, String key) {
    long[] s = p.shape();
    long fanIn = 1;
    for (int i = 1; i < s.length; i++) fanIn *= s[i];
    double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
    SplittableRandom r = stream(seed, key);
    float[] v = new float[Math.toIntExact(p.numel())];
    for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * r.nextDouble() - 1) * bound);
    set(p, m, v);
  }

  public static void normal(Parameter p, NDManager m, long seed, String key, double std) {
    SplittableRandom r = stream(seed, key);
    float[] v = new float[Math.toIntExact(p.numel())];
    for (int i = 0; i < v.length; i += 2) {
      // Box-Muller, two at a time
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      double rad = Math.sqrt(-2 * Math.log(u1));
      v[i] = (float) (std * rad * Math.cos(2 * Math.PI * u2));
      if (i + 1 < v.length) v[i + 1] = (float) (std * rad * Math.sin(2 * Math.PI * u2));
    }
    set(p, m, v);
  }

  public static void constant(Parameter p, NDManager m, float c) {
    float[] v = new float[Math.toIntExact(p.numel())];
    java.util.Arrays.fill(v, c);
    set(p, m, v);
  }

  /** Scales an initialised parameter in place (e.g. zero-init of output projections). */
  public static void scale(Parameter p, float factor) {
    p.value().muli(factor);
  }

  private static void set(Parameter p, NDManager m, float[] v) {
    NDArray a = m.create(v, new Shape(p.shape()));
    p.set(a);
  }
}
