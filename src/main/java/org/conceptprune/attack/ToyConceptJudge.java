package org.conceptprune.attack;

import java.util.Locale;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.util.UserError;

/** The toy world's judge: a style is shown when the judge names that style, an object when it names that object. */
final class ToyConceptJudge implements Judge {
  private final ToyJudge judge;

  ToyConceptJudge(ToyJudge judge) {
    this.judge = judge;
  }

  static ToyConceptJudge bundled() {
    return new ToyConceptJudge(ToyJudge.loadBundled());
  }

  @Override
  public String describe() {
    return "toy judge (bundled): the predicted style or object equals the concept";
  }

  @Override
  public void requireConcept(String concept) {
    if (!ToyWorld.styleNames().contains(concept) && !ToyWorld.objects().contains(concept)) {
      throw new UserError("the toy judge cannot judge '" + concept + "': it knows the styles " + ToyWorld.styleNames()
          + " and the objects " + ToyWorld.objects());
    }
  }

  @Override
  public Verdict judge(RgbImage image, String concept) {
    requireConcept(concept);
    if (image.width() != ToyWorld.SIZE || image.height() != ToyWorld.SIZE) {
      throw new UserError("the toy judge needs " + ToyWorld.SIZE + "x" + ToyWorld.SIZE + " images, got " + image.width() + "x" + image.height());
    }
    ToyJudge.Result r = judge.classify(image.toUnitFloats(), 1, ToyJudge.Layout.NHWC);
    String seen = String.format(Locale.ROOT, "object %s, style %s", ToyWorld.objects().get(r.object()[0]),
        ToyWorld.styles().get(r.style()[0]).name());
    boolean style = ToyWorld.styleNames().contains(concept);
    int idx = style ? ToyWorld.styleIndex(concept) : ToyWorld.objectIndex(concept);
    boolean shows = style ? r.style()[0] == idx : r.object()[0] == idx;
    double p = style ? r.styleProb(0, idx) : r.objectProb(0, idx);
    return new Verdict(shows, p, seen);
  }

  @Override
  public void close() {
    judge.close();
  }
}
