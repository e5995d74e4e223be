package org.conceptprune.attack;

import java.nio.file.Path;
import java.util.Locale;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.util.UserError;

/** The toy world's judge: a style is shown when the judge names that style, an object when it names that object. */
final class ToyConceptJudge implements Judge {
  private final ToyJudge judge;
  private final World world;
  private final String source;

  ToyConceptJudge(ToyJudge judge, World world, String source) {
    this.judge = judge;
    this.world = world;
    this.source = source;
  }

  ToyConceptJudge(ToyJudge judge) {
    this(judge, World.classic(), "bundled");
  }

  static ToyConceptJudge bundled() {
    return new ToyConceptJudge(ToyJudge.loadBundled());
  }

  /** The judge of a toy model folder ({@link ToyModel#judge}: its judge/ or the bundled one) and its world. */
  static ToyConceptJudge forModel(Path dir) {
    World w = ToyModel.world(dir);
    return new ToyConceptJudge(ToyModel.judge(dir), w, w.isClassic() ? "bundled" : w.name() + ", " + dir.resolve(ToyModel.JUDGE_DIR));
  }

  @Override
  public String describe() {
    return "toy judge (" + source + "): the predicted style or object equals the concept";
  }

  @Override
  public void requireConcept(String concept) {
    if (!world.hasStyle(concept) && !world.hasObject(concept)) {
      throw new UserError("the toy judge cannot judge '" + concept + "': it knows the styles " + World.abbreviated(world.styleNames())
          + " and the objects " + world.objects() + " of the " + world.name() + " world");
    }
  }

  @Override
  public Verdict judge(RgbImage image, String concept) {
    requireConcept(concept);
    if (image.width() != ToyWorld.SIZE || image.height() != ToyWorld.SIZE) {
      throw new UserError("the toy judge needs " + ToyWorld.SIZE + "x" + ToyWorld.SIZE + " images, got " + image.width() + "x" + image.height());
    }
    ToyJudge.Result r = judge.classify(image.toUnitFloats(), 1, ToyJudge.Layout.NHWC);
    String seen = String.format(Locale.ROOT, "object %s, style %s", world.objects().get(r.object()[0]),
        world.style(r.style()[0]).name());
    boolean style = world.hasStyle(concept);
    int idx = style ? world.styleIndex(concept) : world.objectIndex(concept);
    boolean shows = style ? r.style()[0] == idx : r.object()[0] == idx;
    double p = style ? r.styleProb(0, idx) : r.objectProb(0, idx);
    return new Verdict(shows, p, seen);
  }

  @Override
  public void close() {
    judge.close();
  }
}
