/**
 * Small PromQL builders the packs share. They take catalog definitions, never metric names
 * as text, so `by (...)` labels and selectors stay checked by the compiler.
 */
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { by, Matchers, part, sel } from "../../metrics/promql";
import { gauge, LabelsOf, MetricDefinition } from "../../metrics/types";
import { AlertCase, ExpectedAlert, PromDuration, RecordingRule, SeriesInput } from "../types";

type Level = `${string}:${string}:${string}`;

/**
 * The series a recording rule writes, as a catalog entry: alerts and dashboards select it
 * with `sel` like any other metric. Names follow `level:metric:operations`.
 */
export function recorded<L extends string>(name: Level, help: string, labelNames: readonly L[]) {
  return gauge(name, help, labelNames);
}

/** The `job` label Prometheus gives a component's own metrics: its service name. */
export function jobOf(id: ComponentId): string {
  return CATALOG[id].serviceName;
}

export function record(series: MetricDefinition, expr: string): RecordingRule {
  return { record: series.name, expr };
}

export function rate(selector: string, window: PromDuration): string {
  return `rate(${selector}[${window}])`;
}

export function increase(selector: string, window: PromDuration): string {
  return `increase(${selector}[${window}])`;
}

/** `op by (labels) (expr)`, the labels checked against the metric the expression reads. */
export function aggregate<M extends MetricDefinition>(
  op: "sum" | "avg" | "min" | "max" | "count",
  metric: M,
  labels: (LabelsOf<M> | "job" | "instance")[],
  expr: string,
): string {
  return `${op} ${by(metric, ...labels)} (${expr})`;
}

export function sumBy<M extends MetricDefinition>(
  metric: M,
  labels: (LabelsOf<M> | "job" | "instance")[],
  expr: string,
): string {
  return aggregate("sum", metric, labels, expr);
}

/** A quantile of a histogram's rate over a window, kept apart by `labels`. */
export function histogramQuantile<M extends MetricDefinition>(
  quantile: number,
  metric: M,
  labels: (LabelsOf<M> | "job" | "instance")[],
  window: PromDuration,
  matchers: Matchers<M> = {},
): string {
  return `histogram_quantile(${quantile}, sum ${by(metric, ...labels, "le")} (${rate(part(metric, "bucket", matchers), window)}))`;
}

// --- Test helpers -----------------------------------------------------------------------

/** An input series for a promtool test; label values must be plain (no matchers). */
export function series<M extends MetricDefinition>(
  metric: M,
  labels: Partial<Record<LabelsOf<M> | "job" | "instance", string>>,
  values: string,
): SeriesInput {
  return { series: sel(metric, labels), values };
}

/** The `_bucket` series of one histogram bucket. */
export function bucket<M extends MetricDefinition>(
  metric: M,
  labels: Partial<Record<LabelsOf<M> | "job" | "instance", string>>,
  le: string,
  values: string,
): SeriesInput {
  const selector = part(metric, "bucket", labels);
  const withLe = selector.endsWith("}")
    ? `${selector.slice(0, -1)}, le="${le}"}`
    : `${selector}{le="${le}"}`;
  return { series: withLe, values };
}

/**
 * Every series of a histogram (each bucket, `_count` and `_sum`) for observations that
 * repeat at each step of the test.
 */
export function histogramSeries<M extends MetricDefinition>(
  metric: M,
  labels: Partial<Record<LabelsOf<M> | "job" | "instance", string>>,
  /** Observations per step, as `[value, countPerStep]` pairs. */
  observations: [number, number][],
  steps: number,
): SeriesInput[] {
  const bounds = [...(metric.buckets ?? []), Number.POSITIVE_INFINITY];
  const count = observations.reduce((total, [, perStep]) => total + perStep, 0);
  const total = observations.reduce((sum, [value, perStep]) => sum + value * perStep, 0);
  return [
    ...bounds.map((bound) => {
      const perStep = observations
        .filter(([value]) => value <= bound)
        .reduce((sum, [, n]) => sum + n, 0);
      const le = bound === Number.POSITIVE_INFINITY ? "+Inf" : String(bound);
      return bucket(metric, labels, le, `0+${perStep}x${steps}`);
    }),
    { series: part(metric, "count", labels), values: `0+${count}x${steps}` },
    { series: part(metric, "sum", labels), values: `0+${total}x${steps}` },
  ];
}

export function fires(
  alertname: string,
  evalTime: PromDuration,
  ...expect: ExpectedAlert["labels"][]
): AlertCase {
  return { alertname, evalTime, expect: expect.map((labels) => ({ labels })) };
}

export function quiet(alertname: string, evalTime: PromDuration): AlertCase {
  return { alertname, evalTime, expect: [] };
}
