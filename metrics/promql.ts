import { LabelsOf, MetricDefinition } from "./types";

/** A label matcher: a plain value means equality; the object forms give the other operators. */
export type Matcher = string | { ne: string } | { re: string } | { nre: string };

export type Matchers<M> = Partial<Record<LabelsOf<M> | "job" | "instance", Matcher>>;

function renderMatcher(label: string, matcher: Matcher): string {
  if (typeof matcher === "string") return `${label}=${JSON.stringify(matcher)}`;
  if ("ne" in matcher) return `${label}!=${JSON.stringify(matcher.ne)}`;
  if ("re" in matcher) return `${label}=~${JSON.stringify(matcher.re)}`;
  return `${label}!~${JSON.stringify(matcher.nre)}`;
}

function selector(name: string, matchers: Record<string, Matcher | undefined>): string {
  const parts = Object.entries(matchers)
    .filter((entry): entry is [string, Matcher] => entry[1] !== undefined)
    .map(([label, matcher]) => renderMatcher(label, matcher));
  return parts.length === 0 ? name : `${name}{${parts.join(", ")}}`;
}

/** A series selector whose metric and label names are checked by the compiler. */
export function sel<M extends MetricDefinition>(metric: M, matchers: Matchers<M> = {}): string {
  return selector(metric.name, matchers);
}

/** The `_bucket`, `_sum` or `_count` series of a histogram. */
export function part<M extends MetricDefinition>(
  metric: M,
  suffix: "bucket" | "sum" | "count",
  matchers: Matchers<M> = {},
): string {
  if (metric.type !== "histogram" && metric.type !== "summary") {
    throw new Error(`${metric.name} is a ${metric.type}, not a histogram`);
  }
  return selector(`${metric.name}_${suffix}`, matchers);
}

/** Label names of a metric, for `by (...)` clauses, checked by the compiler. */
export function by<M extends MetricDefinition>(
  _metric: M,
  ...labels: (LabelsOf<M> | "job" | "instance" | "le")[]
) {
  return `by (${labels.join(", ")})`;
}
