package org.conceptprune.attack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;

/**
 * A concept is shown when CLIP's zero-shot choice between the concept and the {@code --against}
 * names (each written into "{}", as given) picks the concept. A stand-in for UnlearnDiffAtk's style
 * classifier where that ViT is not at hand; with it, use {@link StyleJudge} ({@code --judge style:DIR}).
 */
final class ClipJudge implements Judge {
  private final ClipScorer clip;
  private final List<String> against;

  private ClipJudge(ClipScorer clip, List<String> against) {
    this.clip = clip;
    this.against = against;
  }

  static ClipJudge open(Path dir, List<String> against) {
    if (against == null || against.isEmpty()) {
      throw new UserError("--judge clip needs --against NAME,... (the other classes of the zero-shot choice)");
    }
    return new ClipJudge(ClipScorer.load(dir, ClipEvaluator.BATCH), List.copyOf(against));
  }

  @Override
  public String describe() {
    return "CLIP " + clip.dir().getFileName() + " zero-shot: the concept beats " + against;
  }

  @Override
  public void requireConcept(String concept) {
    if (concept.isBlank()) throw new UserError("the clip judge needs a non-empty concept");
    if (against.contains(concept)) throw new UserError("the clip judge cannot judge '" + concept + "': it is one of --against " + against);
  }

  @Override
  public Verdict judge(RgbImage image, String concept) {
    requireConcept(concept);
    List<String> classes = new ArrayList<>();
    classes.add(concept);
    classes.addAll(against);
    ClipEvaluator.ZeroShot z = clip.zeroShot(List.of(image), classes);
    int pick = z.predicted()[0];
    return new Verdict(pick == 0, z.probs()[0][0], classes.get(pick));
  }

  @Override
  public void close() {
    clip.close();
  }
}
