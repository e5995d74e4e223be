package org.conceptprune.revival;

/**
 * What revival did to one layer.
 *
 * @param layer the layer path ("...ff.net.2"; its weight is layer + ".weight")
 * @param locations |L|: the candidate locations (zeros, or the given mask)
 * @param dropped locations set to 0 by sign retention (ties included); 0 with signs from the original
 * @param filled locations given a non-zero value
 * @param iterations completion iterations (0: no completion ran)
 * @param delta the final δ (NaN when no completion ran)
 * @param seconds the completion's wall time (0 when it came from the cache)
 * @param emptyColumns input columns with no observed entry, left out of the completion (their locations stay 0)
 * @param cached whether the completion came from the resume cache
 * @param draws normal values drawn for this layer
 */
public record LayerReport(String layer, int rows, int cols, long locations, long dropped, long filled, int iterations,
    double delta, double seconds, int emptyColumns, boolean cached, long draws) {}
