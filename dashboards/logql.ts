/**
 * The labels Loki gives our logs, defined once, and a small static check of LogQL queries.
 *
 * Logs reach Loki over OTLP (the collector's `otlp_http/loki` exporter to `/otlp`). Loki 3
 * turns a fixed set of resource attributes into stream (index) labels, dots replaced by
 * underscores; everything else about a record — severity, trace context, log attributes such
 * as our correlation ID — becomes structured metadata, which queries filter after a `|`.
 * Loki also detects each line's level into `detected_level`. (There is no `level` label: the
 * OTLP severity arrives as `severity_text`.)
 */
import { CORRELATION_FIELDS } from "../components/grafana/datasources";

/** Stream labels: Loki 3's default `otlp_config` index labels for resource attributes. */
export const LOKI_STREAM_LABELS = [
  "service_name",
  "service_namespace",
  "service_instance_id",
  "deployment_environment",
  "deployment_environment_name",
  "cloud_region",
  "cloud_availability_zone",
  "k8s_cluster_name",
  "k8s_namespace_name",
  "k8s_pod_name",
  "k8s_container_name",
  "container_name",
  "k8s_replicaset_name",
  "k8s_deployment_name",
  "k8s_statefulset_name",
  "k8s_daemonset_name",
  "k8s_cronjob_name",
  "k8s_job_name",
] as const;

/** Structured metadata of every OTLP record, plus the log attributes our services set. */
export const LOKI_METADATA_LABELS = [
  "severity_text",
  "severity_number",
  "detected_level",
  "trace_id",
  "span_id",
  "flags",
  "scope_name",
  "observed_timestamp",
  CORRELATION_FIELDS.correlationId,
] as const;

export type LokiStreamLabel = (typeof LOKI_STREAM_LABELS)[number];
export type LokiLabel = LokiStreamLabel | (typeof LOKI_METADATA_LABELS)[number];

const STREAM = new Set<string>(LOKI_STREAM_LABELS);
const KNOWN = new Set<string>([...LOKI_STREAM_LABELS, ...LOKI_METADATA_LABELS]);

// --- Builders ---------------------------------------------------------------------------

type Op = "=" | "!=" | "=~" | "!~";

/** A stream selector over known stream labels, e.g. `{service_name=~"$service"}`. */
export function stream(matchers: Partial<Record<LokiStreamLabel, [Op, string]>>): string {
  const parts = Object.entries(matchers).map(
    ([label, [op, value]]) => `${label}${op}${JSON.stringify(value)}`,
  );
  return `{${parts.join(", ")}}`;
}

/** A label filter stage over a known label, e.g. `| detected_level="error"`. */
export function labelFilter(label: LokiLabel, op: Op, value: string): string {
  return `| ${label}${op}${JSON.stringify(value)}`;
}

// --- Check ------------------------------------------------------------------------------

/** Grafana variables in a query, replaced before the check so `${x}` braces do not count. */
function withoutVariables(query: string): string {
  return query
    .replace(/\$\{[A-Za-z0-9_]+(?::[^}]*)?\}/g, "var")
    .replace(/\$[A-Za-z0-9_]+/g, "var")
    .replace(/\[\[[A-Za-z0-9_]+(?::[^\]]*)?\]\]/g, "var");
}

/** Quoted strings removed (kept as empty quotes), after checking they are all closed. */
function stripStrings(query: string, problems: string[]): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const char = query[i];
    if (quote) {
      if (char === "\\" && quote === '"') i++;
      else if (char === quote) {
        quote = undefined;
        out += char;
      }
      continue;
    }
    if (char === '"' || char === "`") quote = char;
    out += char;
  }
  if (quote) problems.push(`unclosed ${quote} string`);
  return out;
}

function checkBalanced(text: string, problems: string[]): void {
  const pairs: Record<string, string> = { ")": "(", "}": "{", "]": "[" };
  const stack: string[] = [];
  for (const char of text) {
    if ("({[".includes(char)) stack.push(char);
    else if (char in pairs) {
      if (stack.pop() !== pairs[char]) {
        problems.push(`unbalanced "${char}"`);
        return;
      }
    }
  }
  if (stack.length > 0) problems.push(`unclosed "${stack[stack.length - 1]}"`);
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(""|``)\s*$/;
const PARSERS = /\|\s*(json|logfmt|regexp|pattern|unpack|label_format)\b/;
const LABEL_FILTER = /\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|==|=|>=|<=|>|<)/g;
const GROUPING = /\b(?:by|without)\s*\(([^)]*)\)/g;

/**
 * Problems with a LogQL query: unbalanced braces, brackets or quotes; stream selectors that
 * are empty, malformed or use labels Loki does not index; label filters and groupings on
 * labels our logs do not have (unless a parser stage such as `| json` extracts new ones).
 */
export function logqlProblems(query: string): string[] {
  const problems: string[] = [];
  const bare = stripStrings(withoutVariables(query), problems);
  checkBalanced(bare, problems);
  if (problems.length > 0) return problems;

  const selectors = [...bare.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]);
  if (selectors.length === 0) problems.push("no stream selector {...}");
  for (const selector of selectors) {
    const matchers = selector.split(",").filter((part) => part.trim() !== "");
    if (matchers.length === 0) problems.push("empty stream selector {}");
    for (const matcher of matchers) {
      const parsed = MATCHER.exec(matcher);
      if (!parsed) problems.push(`malformed matcher "${matcher.trim()}"`);
      else if (!STREAM.has(parsed[1])) problems.push(`unknown stream label "${parsed[1]}"`);
    }
  }
  const extracts = PARSERS.test(bare);
  if (!extracts) {
    for (const match of bare.matchAll(LABEL_FILTER)) {
      if (!KNOWN.has(match[1])) problems.push(`unknown label "${match[1]}" in a label filter`);
    }
    for (const match of bare.matchAll(GROUPING)) {
      for (const label of match[1].split(",").map((part) => part.trim())) {
        if (label && !KNOWN.has(label)) problems.push(`unknown label "${label}" in by/without`);
      }
    }
  }
  return problems;
}
