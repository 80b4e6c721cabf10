/**
 * The names application metrics are exposed under. The catalog (application.ts) names them
 * without a product prefix; a stack may set one (config key `applicationMetrics.prefix`,
 * e.g. `ops_center_` as the seeds instrument their services). This file is the one place
 * that applies it: rule and recording-rule expressions, promtool test series, dashboard
 * queries and the prom-client registry all take their names through it, so they cannot
 * disagree about what a service exposes.
 */
import type { SyntaxNode } from "@lezer/common";
import { APPLICATION_METRICS } from "./application";
import { promqlParser } from "./promql-parser";
import { MetricDefinition } from "./types";

/**
 * A valid prefix: letters, digits and underscores, starting with a letter and ending in `_`
 * so the catalog name stays a word of its own (`ops_center_http_requests_total`). Colons
 * are refused: Prometheus reserves them for recording rules (`level:metric:operations`).
 */
export const METRIC_PREFIX = /^[a-zA-Z][a-zA-Z0-9_]*_$/;
export const METRIC_PREFIX_HINT =
  "a metric name prefix: letters, digits and _, starting with a letter and ending in _ (such as ops_center_)";

/** The series names a definition is exposed as: a histogram's family name and its parts. */
function exposedNames(metric: MetricDefinition): string[] {
  if (metric.type === "histogram" || metric.type === "summary") {
    const parts = metric.type === "histogram" ? ["bucket", "sum", "count"] : ["sum", "count"];
    return [metric.name, ...parts.map((part) => `${metric.name}_${part}`)];
  }
  return [metric.name];
}

/**
 * Every unprefixed series name of the application metrics our services create themselves
 * (APPLICATION_METRICS). The client library's process metrics (`process_resident_memory_bytes`)
 * are not among them: client libraries write those without a prefix, and the stack's own
 * components expose them too.
 */
export const APPLICATION_SERIES: ReadonlySet<string> = new Set(
  Object.values(APPLICATION_METRICS).flatMap((kind) =>
    Object.values(kind as Record<string, MetricDefinition>).flatMap(exposedNames),
  ),
);

function checkedPrefix(prefix: string): string {
  if (prefix !== "" && !METRIC_PREFIX.test(prefix)) {
    throw new Error(`metric prefix "${prefix}" is not ${METRIC_PREFIX_HINT}`);
  }
  return prefix;
}

/** A series name as exposed under the prefix: application series get it, others stay. */
export function exposedSeriesName(name: string, prefix: string): string {
  return APPLICATION_SERIES.has(name) ? checkedPrefix(prefix) + name : name;
}

/** The name a service registers an application metric under (the registry's names). */
export function applicationMetricName(metric: MetricDefinition, prefix: string): string {
  if (!APPLICATION_SERIES.has(metric.name)) {
    throw new Error(`${metric.name} is not an application metric of the catalog`);
  }
  return checkedPrefix(prefix) + metric.name;
}

/** Text to insert into an expression: `text` goes in at character `at`. */
export interface NameInsertion {
  at: number;
  text: string;
}

export class MetricPrefixError extends Error {
  constructor(
    message: string,
    readonly expr: string,
  ) {
    super(`${message} in: ${expr}`);
    this.name = "MetricPrefixError";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** A PromQL string literal's value: Go's escapes in '…' and "…", none in `…`. */
function stringValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith("`")) return body;
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g,
    (escape: string, code: string) => {
      if (/^[xuU]/.test(code)) return String.fromCodePoint(parseInt(code.slice(1), 16));
      if (/^[0-7]{3}$/.test(code)) return String.fromCodePoint(parseInt(code, 8));
      return SIMPLE_ESCAPES[code] ?? escape;
    },
  );
}

function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

/** `{"metric_name", ...}`: the quoted metric name of a selector, if this is one. */
function quotedMetricName(node: SyntaxNode): SyntaxNode | undefined {
  if (node.name !== "QuotedLabelName" || node.parent?.name !== "LabelMatchers") return undefined;
  return node.getChild("StringLiteral") ?? undefined;
}

/** The value of a `__name__` matcher and its operator, if the matcher is one. */
function nameMatcher(
  expr: string,
  node: SyntaxNode,
): { op: string; value: SyntaxNode } | undefined {
  if (node.name !== "UnquotedLabelMatcher" && node.name !== "QuotedLabelMatcher") return undefined;
  const label = node.getChild("LabelName") ?? node.getChild("QuotedLabelName");
  const op = node.getChild("MatchOp");
  const value = node.getChild("StringLiteral");
  if (!label || !op || !value) return undefined;
  const literal = label.getChild("StringLiteral");
  const name = literal ? stringValue(text(expr, literal)) : text(expr, label);
  return name === "__name__" ? { op: text(expr, op), value } : undefined;
}

/** Application series a `__name__` regex matcher selects, as Prometheus anchors it. */
function regexSelects(expr: string, regex: string): string[] {
  let compiled: RegExp;
  try {
    compiled = new RegExp(`^(?:${regex})$`);
  } catch {
    throw new MetricPrefixError(`__name__ regex "${regex}" cannot be read`, expr);
  }
  return [...APPLICATION_SERIES].filter((name) => compiled.test(name));
}

/**
 * Where the prefix goes in an expression: before every metric name of a selector that is
 * an application series (`http_requests_total{...}`, `{"http_requests_total"}`,
 * `{__name__="http_requests_total"}` or `!=`), read from lezer-promql's syntax tree. Label
 * values, label names, strings of functions and other metrics (exporters', recording
 * rules') are left alone. A `__name__` regex that selects an application series cannot be
 * rewritten exactly and is refused; so is an expression that does not parse, whose
 * selectors cannot all be found.
 */
export function prefixInsertions(expr: string, prefix: string): NameInsertion[] {
  checkedPrefix(prefix);
  const insertions: NameInsertion[] = [];
  let syntaxError: number | undefined;
  promqlParser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        syntaxError ??= ref.from;
        return false;
      }
      const node = ref.node;
      if (node.name === "Identifier" && node.parent?.name === "VectorSelector") {
        if (APPLICATION_SERIES.has(text(expr, node))) {
          insertions.push({ at: node.from, text: prefix });
        }
        return undefined;
      }
      const quoted = quotedMetricName(node);
      if (quoted) {
        if (APPLICATION_SERIES.has(stringValue(text(expr, quoted)))) {
          insertions.push({ at: quoted.from + 1, text: prefix });
        }
        return false;
      }
      const matcher = nameMatcher(expr, node);
      if (matcher) {
        const value = stringValue(text(expr, matcher.value));
        if (matcher.op === "=" || matcher.op === "!=") {
          if (APPLICATION_SERIES.has(value)) {
            insertions.push({ at: matcher.value.from + 1, text: prefix });
          }
        } else {
          const selected = regexSelects(expr, value);
          if (selected.length > 0) {
            throw new MetricPrefixError(
              `__name__${matcher.op}"${value}" selects application metrics (${selected.join(", ")}) and cannot be prefixed exactly; name them instead`,
              expr,
            );
          }
        }
        return false;
      }
      return undefined;
    },
  });
  if (syntaxError !== undefined) {
    throw new MetricPrefixError(`PromQL does not parse at character ${syntaxError}`, expr);
  }
  return insertions;
}

/** `insertions` applied to `text` (positions refer to the text as given). */
export function applyInsertions(text: string, insertions: readonly NameInsertion[]): string {
  let out = "";
  let last = 0;
  for (const insertion of [...insertions].sort((a, b) => a.at - b.at)) {
    out += text.slice(last, insertion.at) + insertion.text;
    last = insertion.at;
  }
  return out + text.slice(last);
}

/**
 * The expression with every application metric it selects renamed to `<prefix><name>`.
 * Without a prefix it is the expression itself, untouched.
 */
export function prefixApplicationMetrics(expr: string, prefix: string): string {
  if (prefix === "") return expr;
  return applyInsertions(expr, prefixInsertions(expr, prefix));
}
