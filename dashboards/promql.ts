/**
 * PromQL builders for panels. Like the rule packs' helpers they take catalog definitions,
 * so metric and label names stay checked by the compiler; unlike them they accept
 * Grafana's range variables, which follow the dashboard's time range and zoom.
 */
import { by, Matchers, part, sel } from "../metrics/promql";
import { LabelsOf, MetricDefinition } from "../metrics/types";
import { PromDuration } from "../rules/types";

/** A fixed window, or Grafana's: `$__rate_interval` for rates, `$__range` for totals. */
export type Window = PromDuration | "$__rate_interval" | "$__range" | "$__interval";

export function rate(selector: string, window: Window = "$__rate_interval"): string {
  return `rate(${selector}[${window}])`;
}

export function increase(selector: string, window: Window): string {
  return `increase(${selector}[${window}])`;
}

type Labels<M> = (LabelsOf<M> | "job" | "instance")[];

/** `sum by (labels) (expr)`, the labels checked against the metric the expression reads. */
export function sumBy<M extends MetricDefinition>(metric: M, labels: Labels<M>, expr: string) {
  return `sum ${by(metric, ...labels)} (${expr})`;
}

/** A quantile of a histogram's rate, kept apart by `labels`. */
export function quantile<M extends MetricDefinition>(
  q: number,
  metric: M,
  labels: Labels<M>,
  matchers: Matchers<M> = {},
  window: Window = "$__rate_interval",
): string {
  return `histogram_quantile(${q}, sum ${by(metric, ...labels, "le")} (${rate(part(metric, "bucket", matchers), window)}))`;
}

/** The mean of a histogram over a window: rate of `_sum` over rate of `_count`. */
export function mean<M extends MetricDefinition>(
  metric: M,
  labels: Labels<M>,
  matchers: Matchers<M> = {},
  window: Window = "$__rate_interval",
): string {
  return `${sumBy(metric, labels, rate(part(metric, "sum", matchers), window))} / ${sumBy(metric, labels, rate(part(metric, "count", matchers), window))}`;
}

/** Re-exported so panels take every PromQL builder from one place. */
export { part, sel };
