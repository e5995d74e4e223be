package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyEval.Acc;
import org.conceptprune.toy.ToyEval.Item;
import org.conceptprune.toy.ToyEval.Judged;
import org.conceptprune.toy.ToyEval.Sampling;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.World;

/**
 * {@code toy eval}: (a) ablations, (b) per-concept erasure with a random control, (c) sweeps over
 * k and t̂; a table on the log and everything in a JSON map.
 */
public final class ToyReport {
  private ToyReport() {}

  /**
   * @param concepts {kind (0 object, 1 style), index} to erase one at a time
   * @param perPair images per (object, style) pair for the unpruned accuracy and the "others" sets
   * @param perConcept images per prompt-variant for the erased concept's sets
   */
  /**
   * The concepts {@code toy eval} erases, as {kind (1 style, 0 object), index}: the named ones, else
   * --quick's three (classic: zorbly, dravish, heart, the runs in docs/TOY-MODEL.md; another world:
   * its first two styles and heart), else every style and object.
   */
  public static List<int[]> concepts(World w, List<String> names, boolean quick) {
    List<int[]> concepts = new ArrayList<>();
    if (names != null) {
      for (String c : names) {
        boolean style = w.isStyleConcept(c);
        concepts.add(new int[] {style ? 1 : 0, style ? w.styleIndex(c) : w.objectIndex(c)});
      }
    } else if (quick) {
      concepts.add(new int[] {1, 0});
      concepts.add(new int[] {1, w.isClassic() ? 8 : 1});
      concepts.add(new int[] {0, w.objectIndex("heart")});
    } else {
      for (int s = 0; s < w.numStyles(); s++) concepts.add(new int[] {1, s});
      for (int o = 0; o < w.numObjects(); o++) concepts.add(new int[] {0, o});
    }
    return concepts;
  }

  public record Options(double k, int tHat, List<int[]> concepts, int perPair, int perConcept, double[] sweepK,
      int[] sweepT, long seed, Sampling sampling, World world, int objectsPerStyle) {
    /** The classic world. */
    public Options(double k, int tHat, List<int[]> concepts, int perPair, int perConcept, double[] sweepK, int[] sweepT,
        long seed, Sampling sampling) {
      this(k, tHat, concepts, perPair, perConcept, sweepK, sweepT, seed, sampling, World.classic(), 0);
    }

    /** Every pair of the world. */
    public Options(double k, int tHat, List<int[]> concepts, int perPair, int perConcept, double[] sweepK, int[] sweepT,
        long seed, Sampling sampling, World world) {
      this(k, tHat, concepts, perPair, perConcept, sweepK, sweepT, seed, sampling, world, 0);
    }
  }

  public static Map<String, Object> run(StableDiffusion sd, ToyJudge judge, Options o, Consumer<String> log) {
    long t0 = System.nanoTime();
    Map<String, Object> out = new LinkedHashMap<>();
    Sampling s = o.sampling();
    World w = o.world();
    out.put("settings", Map.of("k", o.k(), "t_hat", o.tHat(), "steps", s.steps(), "guidance", s.guidance(),
        "scheduler", "ddim", "seed", o.seed(), "images_per_pair", o.perPair(), "world", w.name(),
        "objects_per_style", o.objectsPerStyle() > 0 ? o.objectsPerStyle() : w.numObjects()));
    List<Item> all = ToyEval.somePairs(w, o.perPair(), o.objectsPerStyle());
    Judged full = ToyEval.run(sd, judge, all, o.seed() + 1000, s);
    Acc b = full.acc();
    log.accept(String.format(Locale.ROOT, "unpruned (%d images, fresh seeds): %s", all.size(), b.fmt()));
    out.put("unpruned", b);
    // ablations and the "others" of every erasure: one image per pair
    List<Item> pairs = ToyEval.somePairs(w, 1, o.objectsPerStyle());
    Judged base = ToyEval.run(sd, judge, pairs, o.seed(), s);
    out.put("unpruned_one_per_pair", base.acc());

    // (a) ablations
    MaskSet ff = ToyErasure.all(sd, ".ff.net.2");
    MaskSet ca = ToyErasure.all(sd, ".attn2.to_out.0");
    Acc aFf = ToyErasure.withMask(sd, judge, ff, pairs, o.seed(), s).acc();
    Acc aCa = ToyErasure.withMask(sd, judge, ca, pairs, o.seed(), s).acc();
    Acc aRnd = ToyErasure.withMask(sd, judge, randomFraction(sd, ToyErasure.count(ff), o.seed() + 7), pairs, o.seed(), s).acc();
    log.accept("ablation: all ff.net.2 zeroed " + aFf.fmt() + "; all attn2.to_out zeroed " + aCa.fmt()
        + "; as many random transformer-Linear weights zeroed " + aRnd.fmt());
    Map<String, Object> abl = new LinkedHashMap<>();
    abl.put("all_ff_net_2", aFf);
    abl.put("all_attn2_to_out", aCa);
    abl.put("random_same_count_as_ff_net_2", aRnd);
    abl.put("ff_net_2_weights", ToyErasure.count(ff));
    abl.put("attn2_to_out_weights", ToyErasure.count(ca));
    out.put("ablation", abl);

    // (b) erasure, one concept at a time
    List<Map<String, Object>> rows = new ArrayList<>();
    long ffn2 = ToyErasure.ffn2Weights(sd);
    log.accept(String.format(Locale.ROOT, "%-14s %8s | %-27s | %-27s | %-27s | %s", "concept", "density",
        "erased acc before/CP/random", "with-it acc before/CP/rand", "others acc before/CP/rand", "drop CP/rand"));
    List<MaskSet> masks = new ArrayList<>();
    int tMax = o.tHat();
    if (o.sweepT() != null) for (int t : o.sweepT()) tMax = Math.max(tMax, t);
    for (int[] c : o.concepts()) {
      boolean style = c[0] == 1;
      PruneStats st = ToyErasure.stats(w, sd, style, c[1], tMax, s, ToyDefaults.statsSeed(o.seed()));
      MaskSet m = ToyErasure.mask(sd, st, o.k(), o.tHat());
      masks.add(m);
      Map<String, Object> row = erase(sd, judge, List.of(c), m, pairs, base, o, ffn2, log);
      if (o.sweepK() != null && o.sweepT() != null && c == o.concepts().get(0)) {
        List<Map<String, Object>> sweep = new ArrayList<>();
        for (double k : o.sweepK()) {
          for (int t : o.sweepT()) {
            MaskSet mk = ToyErasure.mask(sd, st, k, t);
            Map<String, Object> r = erase(sd, judge, List.of(c), mk, pairs, base, o, ffn2, null);
            r.put("k", k);
            r.put("t_hat", t);
            sweep.add(r);
            log.accept(String.format(Locale.ROOT, "  sweep k=%.3f t̂=%d: erased %.3f (random %.3f), others %.3f, density %.4f",
                k, t, (double) r.get("erased_after"), (double) r.get("erased_random"), (double) r.get("others_after_mean"),
                (double) r.get("density_ffn2")));
          }
        }
        row.put("sweep", sweep);
      }
      rows.add(row);
    }
    out.put("erasure", rows);
    if (o.concepts().size() >= 3) {
      // three concepts at once: the union of their masks (paper A.5)
      List<int[]> three = o.concepts().subList(0, 3);
      if (o.concepts().size() > 8) three = List.of(o.concepts().get(0), o.concepts().get(8), o.concepts().get(o.concepts().size() - 1));
      List<MaskSet> ms = new ArrayList<>();
      for (int[] c : three) ms.add(masks.get(o.concepts().indexOf(c)));
      out.put("erasure_three_at_once", erase(sd, judge, three, ToyErasure.union(ms), pairs, base, o, ffn2, log));
    }
    out.put("seconds", (System.nanoTime() - t0) / 1e9);
    return out;
  }

  static String name(World w, int[] c) {
    return c[0] == 1 ? "style " + w.style(c[1]).name() : "object " + w.objects().get(c[1]);
  }

  /** Random weights over all transformer Linear layers of the UNet (attn1, attn2, ff), count in all. */
  static MaskSet randomFraction(StableDiffusion sd, long count, long seed) {
    MaskSet all = new MaskSet();
    for (String suf : new String[] {".attn1.to_q", ".attn1.to_k", ".attn1.to_v", ".attn1.to_out.0", ".attn2.to_q",
        ".attn2.to_k", ".attn2.to_v", ".attn2.to_out.0", ".ff.net.0.proj", ".ff.net.2"}) {
      ToyErasure.all(sd, suf).asMap().forEach(all::put);
    }
    long total = ToyErasure.count(all);
    MaskSet frac = new MaskSet();
    for (String l : all.layers()) {
      var m = all.get(l);
      var x = new org.conceptprune.prune.LayerMask(m.out(), m.in());
      // placeholder with the proportional count; positions drawn by randomLike
      long want = Math.round((double) count * m.numel() / total);
      for (int p = 0; p < want; p++) x.set(p);
      frac.put(l, x);
    }
    return ToyErasure.randomLike(frac, seed);
  }

  /**
   * Erases the concepts with mask m and with a random mask of the same per-layer counts; accuracy on
   * the erased concept (prompts asking for it), on what it appears with, and on the other pairs.
   */
  static Map<String, Object> erase(StableDiffusion sd, ToyJudge judge, List<int[]> cs, MaskSet m, List<Item> pairs,
      Judged base, Options o, long ffn2, Consumer<String> log) {
    Sampling s = o.sampling();
    List<Item> target = new ArrayList<>();
    for (int[] c : cs) target.addAll(ToyEval.asking(o.world(), c[0] == 1, c[1], o.perConcept()));
    List<Integer> otherIdx = new ArrayList<>();
    List<Item> others = ToyEval.without(pairs, cs);
    for (int i = 0; i < pairs.size(); i++) if (others.contains(pairs.get(i))) otherIdx.add(i);
    long seedT = ToyDefaults.askingSeed(o.seed());
    Judged tb = ToyEval.run(sd, judge, target, seedT, s);
    Judged ta = ToyErasure.withMask(sd, judge, m, target, seedT, s);
    MaskSet rnd = ToyErasure.randomLike(m, ToyDefaults.randomMaskSeed(o.seed()));
    Judged tr = ToyErasure.withMask(sd, judge, rnd, target, seedT, s);
    // the others: the same seeds as the unpruned run (whole pair list regenerated, others picked out)
    Judged pa = ToyErasure.withMask(sd, judge, m, pairs, o.seed(), s);
    Judged pr = ToyErasure.withMask(sd, judge, rnd, pairs, o.seed(), s);
    Acc ob = sub(base, otherIdx);
    Acc oa = sub(pa, otherIdx);
    Acc orr = sub(pr, otherIdx);
    double[] e = new double[3];
    double[] wi = new double[3];
    int off = 0;
    for (int[] c : cs) {
      int len = ToyEval.asking(o.world(), c[0] == 1, c[1], o.perConcept()).size();
      List<Integer> idx = new ArrayList<>();
      for (int i = off; i < off + len; i++) idx.add(i);
      off += len;
      Judged[] js = {tb, ta, tr};
      for (int v = 0; v < 3; v++) {
        Acc x = sub(js[v], idx);
        e[v] += (c[0] == 1 ? x.style() : x.object()) / cs.size();
        wi[v] += (c[0] == 1 ? x.object() : x.style()) / cs.size();
      }
    }
    double eb = e[0];
    double ea = e[1];
    double er = e[2];
    double wb = wi[0];
    double wa = wi[1];
    double wr = wi[2];
    long n = ToyErasure.count(m);
    Map<String, Object> row = new LinkedHashMap<>();
    StringBuilder nm = new StringBuilder();
    for (int[] c : cs) nm.append(nm.length() == 0 ? "" : " + ").append(name(o.world(), c));
    row.put("concept", nm.toString());
    row.put("pruned_weights", n);
    row.put("density_ffn2", (double) n / ffn2);
    row.put("density_unet", (double) n / sd.unet.parameterCount());
    row.put("erased_before", eb);
    row.put("erased_after", ea);
    row.put("erased_random", er);
    row.put("with_before", wb);
    row.put("with_after", wa);
    row.put("with_random", wr);
    row.put("others_before", ob);
    row.put("others_after", oa);
    row.put("others_random", orr);
    row.put("others_after_mean", (oa.object() / ob.object() + oa.style() / ob.style()) / 2);
    row.put("drop_ratio_cp_over_random", dropRatio(eb, ea, er));
    if (log != null) {
      log.accept(String.format(Locale.ROOT, "%-14s %8.4f | %.3f / %.3f / %.3f       | %.3f / %.3f / %.3f       | o %.2f/%.2f/%.2f s %.2f/%.2f/%.2f | %.3f / %.3f",
          nm.length() > 14 ? nm.substring(0, 14) : nm, (double) n / ffn2, eb, ea, er, wb, wa, wr, ob.object(), oa.object(),
          orr.object(), ob.style(), oa.style(), orr.style(), eb - ea, eb - er));
    }
    row.put("target_images_after", ta.images());
    row.put("target_images_before", tb.images());
    return row;
  }

  static Acc sub(Judged j, List<Integer> idx) {
    List<Item> items = new ArrayList<>();
    int no = j.result().numObjects();
    int ns = j.result().numStyles();
    int[] ob = new int[idx.size()];
    int[] st = new int[idx.size()];
    for (int i = 0; i < idx.size(); i++) {
      items.add(j.items().get(idx.get(i)));
      ob[i] = j.result().object()[idx.get(i)];
      st[i] = j.result().style()[idx.get(i)];
    }
    return ToyEval.accuracy(items, new ToyJudge.Result(ob, st, null, null, no, ns));
  }

  /** Probe: {@code ToyReport MODEL_DIR [K] [T_HAT] [PER_PAIR]}: ablations and erasure of style 0 and object 0. */
  /**
   * ConceptPrune's drop of the erased accuracy over random pruning's; null (undefined) when random
   * pruning did not lower it, instead of a division by ~0 (it read 2.5e8 in a report).
   */
  static Double dropRatio(double before, double afterCp, double afterRandom) {
    double random = before - afterRandom;
    return random > 0 ? (before - afterCp) / random : null;
  }

  @SuppressWarnings("unchecked")
  public static void writeJson(Map<String, Object> report, Path file) {
    Map<String, Object> clean = new LinkedHashMap<>(report);
    if (clean.get("erasure") instanceof List<?> l) {
      List<Object> rows = new ArrayList<>();
      for (Object r : l) {
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) r);
        m.remove("target_images_after");
        m.remove("target_images_before");
        rows.add(m);
      }
      clean.put("erasure", rows);
    }
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), clean);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
