package org.conceptprune.io.pickle;

import org.conceptprune.io.safetensors.DType;

/**
 * A typed storage named by a persistent id: the flat buffer that tensors view.
 *
 * @param key the record it lives in (zip: {@code data/<key>}; legacy: the root key in the storage list)
 * @param dtype element type, from the storage class ({@code torch.FloatStorage} -> F32)
 * @param numel elements in this storage
 * @param base element offset of this storage in the record (non-zero only for legacy storage views)
 */
record Storage(String key, DType dtype, long numel, long base) {}
