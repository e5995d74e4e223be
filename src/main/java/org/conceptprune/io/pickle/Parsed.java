package org.conceptprune.io.pickle;

import java.util.Map;

/**
 * A checkpoint's unpickled object and where each storage's bytes are.
 *
 * @param root what the main pickle built (usually a dict)
 * @param blobs storage key -> its record
 */
record Parsed(Object root, Map<String, Blob> blobs) {
  /** The largest pickle read (sd-v1-4.ckpt's is well under 1 MiB; the data is in separate records). */
  static final long MAX_PICKLE = 256L << 20;
}
