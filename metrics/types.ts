/** A metric as defined once: rules, dashboards and services (through prom-client) all use it. */
export interface MetricDefinition<L extends string = string> {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary";
  labelNames: readonly L[];
  /** Histogram bucket upper bounds, in the metric's unit. */
  buckets?: readonly number[];
}

export type LabelsOf<M> = M extends MetricDefinition<infer L> ? L : never;

export function counter<L extends string>(
  name: `${string}_total`,
  help: string,
  labelNames: readonly L[],
): MetricDefinition<L> {
  return { name, help, type: "counter", labelNames };
}

export function gauge<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
): MetricDefinition<L> {
  return { name, help, type: "gauge", labelNames };
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): MetricDefinition<L> {
  return { name, help, type: "histogram", labelNames, buckets };
}

/** Generic, so that `.filter(isMetricDefinition)` narrows the elements of a catalog's values. */
export function isMetricDefinition<T>(value: T): value is T & MetricDefinition {
  const candidate = value as MetricDefinition;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof candidate.name === "string" &&
    typeof candidate.type === "string" &&
    Array.isArray(candidate.labelNames)
  );
}

/** The series a definition is scraped as: a histogram's `_bucket`, `_sum` and `_count`. */
export function seriesNames(metric: MetricDefinition): string[] {
  if (metric.type === "histogram") {
    return ["bucket", "sum", "count"].map((suffix) => `${metric.name}_${suffix}`);
  }
  if (metric.type === "summary") return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
  return [metric.name];
}

/** Every definition in a catalog module or object, a few levels deep. */
export function definitionsIn(value: unknown, depth = 0): MetricDefinition[] {
  if (isMetricDefinition(value)) return [value];
  if (typeof value !== "object" || value === null || depth > 2) return [];
  return Object.values(value).flatMap((nested) => definitionsIn(nested, depth + 1));
}
