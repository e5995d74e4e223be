package org.conceptprune.experiment;

import java.nio.file.Path;
import org.conceptprune.prune.MaskSet;

/**
 * One model an evaluation generates with: a model folder or single file, optionally with a mask
 * zeroed on top (a patch from prune/mask, or a mask the experiment derives itself).
 *
 * @param label the folder name of its images, {@code OUT/images/<label>/}
 * @param mask null for the model as it is
 * @param maskSource where the mask came from, for the PNG text and the report ("" without a mask)
 */
public record ModelVariant(String label, Path model, MaskSet mask, String maskSource) {
  public ModelVariant {
    if (!label.matches("[A-Za-z0-9._+-]+")) {
      throw new org.conceptprune.util.UserError("model label '" + label + "' may only hold letters, digits and . _ + -");
    }
  }

  public static ModelVariant plain(String label, Path model) {
    return new ModelVariant(label, model, null, "");
  }
}
