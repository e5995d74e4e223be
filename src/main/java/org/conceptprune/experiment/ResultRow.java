package org.conceptprune.experiment;

/**
 * One number of a results table: model x experiment x subject x metric, with a bootstrap 95%
 * interval where the metric is a mean or a rate (NaN otherwise, e.g. FID).
 *
 * @param subject what the metric is about (the erased concept, a class, a label), "" for the whole set
 */
public record ResultRow(String model, String experiment, String subject, String metric, double value, double lo, double hi,
    int n) {}
