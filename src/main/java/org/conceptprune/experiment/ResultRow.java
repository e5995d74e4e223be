package org.conceptprune.experiment;

/**
 * One number of a results table: model x experiment x subject x metric, with a bootstrap 95%
 * interval where the metric is a mean or a rate (NaN otherwise, e.g. FID).
 *
 * @param subject what the metric is about (the erased concept, a class, a label), "" for the whole set
 */
public record ResultRow(String model, String experiment, String subject, String metric, double value, double lo, double hi,
    int n) {
  /** The row of (model, subject, metric) among {@code rows}, or null. */
  public static ResultRow find(java.util.List<ResultRow> rows, String model, String subject, String metric) {
    for (ResultRow r : rows) if (r.model.equals(model) && r.subject.equals(subject) && r.metric.equals(metric)) return r;
    return null;
  }
}
