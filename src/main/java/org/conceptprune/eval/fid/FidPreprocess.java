package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Ops;

/**
 * The input transform of pytorch-fid's {@code InceptionV3(resize_input=True, normalize_input=True)}:
 * <pre>
 *   x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)   # torch, no antialias
 *   x = 2 * x - 1                                                                 # [0, 1] -> [-1, 1]
 * </pre>
 * It is torch's own bilinear kernel (libtorch's upsample_bilinear2d, run through DJL), not PIL's or
 * OpenCV's: part of the metric's definition. The images reach it as pytorch-fid's ImagePathDataset
 * gives them: PIL {@code convert("RGB")} + {@code ToTensor()} (bytes / 255), no resize before.
 */
public final class FidPreprocess {
  public static final int SIZE = 299;
  /** Recorded in feature files: what turned the images into network input. */
  public static final String DESCRIPTION = "pytorch-fid InceptionV3(resize_input=True, normalize_input=True):"
      + " images [0,1] (PIL convert('RGB') + ToTensor), torch bilinear resize to 299x299 (align_corners=False,"
      + " no antialias), 2x-1";

  /** DJL's code for bilinear (Image.Interpolation.BILINEAR); its torch call passes align_corners=False. */
  private static final int BILINEAR = 1;

  private FidPreprocess() {}

  /** @param x [N, 3, H, W] in [0, 1] @return [N, 3, 299, 299] in [-1, 1] */
  public static NDArray toNetworkInput(NDArray x) {
    NDArray r = x.getNDArrayInternal().interpolation(new long[] {SIZE, SIZE}, BILINEAR, false);
    NDArray y = Ops.mul(r, 2f).sub(1f);
    r.close();
    return y;
  }
}
