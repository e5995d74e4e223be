package org.conceptprune.attack;

import java.util.Arrays;
import java.util.Locale;
import org.conceptprune.util.UserError;

/** The judges {@code attack --judge} names; each but {@link #TOY} reads a file or folder ({@link JudgeSpec}). */
public enum JudgeKind {
  /** The toy model's judge network (no path: the base model's, or the one shipped in the jar). */
  TOY(null),
  /** An ImageNet ResNet-50 ({@link ClassifierJudge}). */
  CLASSIFY("WEIGHTS"),
  /** NudeNet ({@link NudityJudge}). */
  NUDITY("ONNX"),
  /** CLIP's zero-shot choice against {@code --against} ({@link ClipJudge}). */
  CLIP("DIR"),
  /** UnlearnDiffAtk's WikiArt ViT ({@link StyleJudge}). */
  STYLE("DIR");

  private final String pathLabel;

  JudgeKind(String pathLabel) {
    this.pathLabel = pathLabel;
  }

  /** {@code toy}, {@code classify}, {@code nudity}, {@code clip} or {@code style}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean needsPath() {
    return pathLabel != null;
  }

  /** How {@code --judge} names it: {@code toy}, {@code classify:WEIGHTS}, ... */
  public String usage() {
    return needsPath() ? cliName() + ":" + pathLabel : cliName();
  }

  /**
   * The kind {@code name} names, or a {@link UserError} that quotes {@code spec} (the whole --judge
   * value) and lists the kinds.
   */
  static JudgeKind parse(String name, String spec) {
    for (JudgeKind k : values()) if (k.cliName().equals(name)) return k;
    throw UserError.unknown("judge", spec, Arrays.stream(values()).map(JudgeKind::usage).toList());
  }

  @Override
  public String toString() {
    return cliName();
  }
}
