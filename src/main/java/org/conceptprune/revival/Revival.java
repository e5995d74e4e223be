package org.conceptprune.revival;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.util.UserError;

/**
 * The revival attack ("Roots Beneath the Cut", REVIVAL.md) on weights in memory: per layer,
 * completion (step 1), C32 and sign retention (steps 1b, 2), then neuron max scaling (step 3) with one
 * torch generator running across the layers in sorted parameter-name order. {@link RevivalJob} runs
 * it on a model on disk.
 *
 * <p>Candidate locations are the exact zeros of each weight (the attack), or any mask per layer (an
 * attacker who knows more, e.g. the bottom-|W| set against a defense that hides the zeros). With
 * {@code original} given, every location takes the sign of the unpruned weight instead (§4, the upper
 * bound): no completion, no top-k, the same magnitudes and stream.
 */
public final class Revival {
  /** Layers in the spec's order: a plain sort of the parameter names (layer + ".weight"). */
  public static final Comparator<String> ORDER = Comparator.comparing(l -> l + ".weight");

  private Revival() {}

  /** @param weights layer -> its revived weight [out, in], in {@link #ORDER} */
  public record Revived(Map<String, float[]> weights, List<LayerReport> layers) {
    public long filled() {
      return layers.stream().mapToLong(LayerReport::filled).sum();
    }
  }

  /** L = { (i, j) : W[i, j] == 0 } (−0.0 too). */
  public static LayerMask zeros(LayerWeight w) {
    LayerMask m = new LayerMask(w.out(), w.in());
    float[] v = w.w();
    for (int p = 0; p < v.length; p++) if (v[p] == 0f) m.set(p);
    return m;
  }

  /** The exact zeros of every layer. */
  public static Map<String, LayerMask> zeros(Map<String, LayerWeight> weights) {
    Map<String, LayerMask> out = new TreeMap<>(ORDER);
    weights.forEach((l, w) -> out.put(l, zeros(w)));
    return out;
  }

  /**
   * @param weights layer path ("...ff.net.2") -> weight; any map order (the layers are sorted here)
   * @param locations layer -> candidate locations; a layer missing from the map has none
   * @param original null, or layer -> the unpruned weight whose signs to use (§4)
   * @param cache null, or where completions are kept between runs
   * @param events null, or who hears of the progress
   * @throws UserError when a row is all locations (its statistics are undefined), before any work
   */
  public static Revived revive(Map<String, LayerWeight> weights, Map<String, LayerMask> locations,
      Map<String, LayerWeight> original, RevivalSettings settings, CompletionCache cache, RevivalListener events) {
    RevivalListener listener = events == null ? RevivalListener.NONE : events;
    Map<String, LayerWeight> sorted = new TreeMap<>(ORDER);
    sorted.putAll(weights);
    Map<String, LayerMask> locs = new TreeMap<>(ORDER);
    for (var e : sorted.entrySet()) {
      LayerWeight w = e.getValue();
      LayerMask m = locations.getOrDefault(e.getKey(), new LayerMask(w.out(), w.in()));
      if (m.out() != w.out() || m.in() != w.in()) {
        throw new UserError(e.getKey() + ": weight [" + w.out() + ", " + w.in() + "] but locations [" + m.out() + ", " + m.in() + "]");
      }
      NeuronMaxScaling.requireSurvivors(e.getKey(), w, m);
      if (original != null) requireSameShape(e.getKey(), w, original.get(e.getKey()));
      locs.put(e.getKey(), m);
    }
    TorchRandom g = new TorchRandom(settings.seed());
    Map<String, float[]> out = new TreeMap<>(ORDER);
    List<LayerReport> reports = new ArrayList<>();
    int index = 0;
    for (var e : sorted.entrySet()) {
      String layer = e.getKey();
      LayerWeight w = e.getValue();
      LayerMask m = locs.get(layer);
      listener.layerStarted(layer, index++, sorted.size(), w.out(), w.in(), m.count(),
          original == null ? settings.iterations() : 0);
      LayerReport r;
      if (m.count() == 0) {
        out.put(layer, w.w());
        r = new LayerReport(layer, w.out(), w.in(), 0, 0, 0, 0, Double.NaN, 0, 0, false, 0);
      } else if (original != null) {
        var scaled = NeuronMaxScaling.scale(w, m, original.get(layer).w(), settings.magnitude(), g);
        out.put(layer, scaled.w());
        r = new LayerReport(layer, w.out(), w.in(), m.count(), m.count() - scaled.filled(), scaled.filled(), 0, Double.NaN, 0,
            0, false, scaled.draws());
      } else {
        long start = System.nanoTime();
        CompletionCache.Entry c = cache == null ? null : cache.find(layer, w, m, settings);
        boolean cached = c != null;
        if (!cached) {
          var done = MatrixCompletion.complete(widen(w.w()), w.out(), w.in(), m, settings.iterations(), settings.tolerance(),
              (k, delta) -> listener.iteration(layer, k, delta));
          c = new CompletionCache.Entry(done, (System.nanoTime() - start) / 1e9);
          if (cache != null) cache.store(layer, w, m, settings, c);
        }
        // A column without observed entries was not completed (C64 = 0 there): its locations are left out of the
        // top-k ranking and stay 0 (sign 0), but still draw their noise in step 3 like any location.
        LayerMask ranked = c.completion().emptyColumns() == 0 ? m : withoutEmptyColumns(m);
        SignRetention.Retained s = SignRetention.retain(SignRetention.toFloat32(c.completion().c64()), ranked, settings.topRatio());
        var scaled = NeuronMaxScaling.scale(w, m, s.s(), settings.magnitude(), g);
        out.put(layer, scaled.w());
        var done = c.completion();
        r = new LayerReport(layer, w.out(), w.in(), m.count(), s.dropped(), scaled.filled(), done.iterations(), done.delta(),
            cached ? 0 : c.seconds(), done.emptyColumns(), cached, scaled.draws());
      }
      reports.add(r);
      listener.layerDone(r);
    }
    return new Revived(out, reports);
  }

  private static void requireSameShape(String layer, LayerWeight w, LayerWeight original) {
    if (original == null) throw new UserError("--sign-from has no weight for layer '" + layer + "'");
    if (original.out() != w.out() || original.in() != w.in()) {
      throw new UserError("--sign-from: layer '" + layer + "' has weight [" + original.out() + ", " + original.in()
          + "] but the model's is [" + w.out() + ", " + w.in() + "]");
    }
  }

  /** The locations outside the columns that are locations in every row. */
  static LayerMask withoutEmptyColumns(LayerMask m) {
    LayerMask out = m.copy();
    for (int j = 0; j < m.in(); j++) {
      boolean empty = true;
      for (int i = 0; i < m.out() && empty; i++) empty = m.get(i, j);
      if (empty) for (int i = 0; i < m.out(); i++) out.clear(i * m.in() + j);
    }
    return out;
  }

  static double[] widen(float[] w) {
    double[] d = new double[w.length];
    for (int i = 0; i < w.length; i++) d[i] = w[i];
    return d;
  }
}
