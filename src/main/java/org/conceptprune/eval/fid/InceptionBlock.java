package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;

/** One of the Mixed_* blocks: [N, C, H, W] -> [N, C', H', W']. */
public interface InceptionBlock {
  NDArray forward(NDArray x);
}
