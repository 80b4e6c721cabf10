import { z } from "zod";

export const CONFIG_NAMESPACE = "observability-stack";

/** Every problem found in a stack's config, each naming the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(
      `Stack "${stack}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was created:\n` +
        problems.map((problem) => `  - ${problem}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function configKey(path: readonly PropertyKey[]): string {
  return `${CONFIG_NAMESPACE}:${path.map(String).join(".")}`;
}

export function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function problem(path: readonly PropertyKey[], value: unknown, allowed: string): string {
  return `${configKey(path)} = ${showValue(value)}: ${allowed}`;
}

function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, undefined]) {
    while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
      current = current.unwrap();
    }
    if (!(current instanceof z.ZodObject)) return [];
    if (segment === undefined) return Object.keys(current.shape);
    current = current.shape[String(segment)];
  }
  return [];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${issue.expected === "int" ? "a whole number" : `a ${issue.expected}`}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
      return `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_union":
      return "has the wrong shape";
    default:
      return issue.message;
  }
}

/** One line per zod issue, in the same key/value/allowed form as the semantic checks. */
export function describeSchemaIssues(schema: z.ZodType, issues: z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      return issue.keys.map(
        (key) =>
          `${configKey([...issue.path, key])}: unknown key; allowed here: ${allowed.join(", ")}`,
      );
    }
    return [problem(issue.path, issue.input, describeIssue(issue))];
  });
}
