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
