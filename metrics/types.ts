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
