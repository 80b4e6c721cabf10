import { promqlParser as parser } from "../metrics/promql-parser";

export interface PromqlSyntaxError {
  position: number;
  excerpt: string;
}

/** The first syntax error in a PromQL expression, or undefined when it parses. */
export function promqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  const tree = parser.parse(expr);
  let error: PromqlSyntaxError | undefined;
  tree.iterate({
    enter: (node) => {
      if (error) return false;
      if (node.type.isError) {
        error = {
          position: node.from,
          excerpt: expr.slice(Math.max(0, node.from - 20), node.from + 20),
        };
        return false;
      }
      return undefined;
    },
  });
  return error;
}

/** Metric names an expression selects, as lezer-promql sees them. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const tree = parser.parse(expr);
  tree.iterate({
    enter: (node) => {
      if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier) names.add(expr.slice(identifier.from, identifier.to));
      }
    },
  });
  return [...names];
}

/** A label matcher of a selector: `job="api"` is { label: "job", op: "=", value: "api" }. */
export interface LabelMatcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface Selector {
  name: string;
  matchers: LabelMatcher[];
}

/** Every vector selector with a metric name, and its label matchers, as lezer-promql sees them. */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  const text = (node: { from: number; to: number }) => expr.slice(node.from, node.to);
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.name !== "VectorSelector") return undefined;
      const identifier = node.node.getChild("Identifier");
      if (!identifier) return false;
      const matchers: LabelMatcher[] = [];
      for (const matcher of node.node
        .getChild("LabelMatchers")
        ?.getChildren("UnquotedLabelMatcher") ?? []) {
        const label = matcher.getChild("LabelName");
        const op = matcher.getChild("MatchOp");
        const value = matcher.getChild("StringLiteral");
        if (!label || !op || !value) continue;
        matchers.push({
          label: text(label),
          op: text(op) as LabelMatcher["op"],
          value: JSON.parse(text(value).replace(/^'|'$/g, '"')) as string,
        });
      }
      found.push({ name: text(identifier), matchers });
      return false;
    },
  });
  return found;
}
