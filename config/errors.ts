import { z } from "zod";
import { howToSetCredential, isCredentialPath } from "./credentials";

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

/**
 * A value as the user wrote it: JSON, except the numbers JSON has no words for (YAML's
 * `.nan` and `.inf`), which JSON.stringify would turn into null.
 */
function written(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map(written).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${JSON.stringify(key)}:${written(item)}`,
    );
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

export function showValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = written(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const HIDDEN = "(not shown: it is a credential)";

/** `key = value: allowed`; under a credential key the value is never shown, whatever its shape. */
export function problem(path: readonly PropertyKey[], value: unknown, allowed: string): string {
  const shown = isCredentialPath(path) && value !== undefined ? HIDDEN : showValue(value);
  return `${configKey(path)} = ${shown}: ${allowed}`;
}

/** The keys an object in the schema allows at a path, looking through optional values and lists. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, undefined]) {
    for (;;) {
      if (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
        current = current.unwrap();
      } else if (current instanceof z.ZodArray && typeof segment === "number") {
        current = current.element;
        break;
      } else {
        break;
      }
    }
    if (typeof segment === "number") continue;
    if (!(current instanceof z.ZodObject)) return [];
    if (segment === undefined) return Object.keys(current.shape);
    current = current.shape[String(segment)];
  }
  return [];
}

const TYPE_NAMES: Record<string, string> = {
  int: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object (keys and values)",
  array: "a list",
  record: "a map of keys to values",
};

function describeIssue(issue: z.core.$ZodIssue): string {
  // Messages written in schema.ts say what is allowed in the user's terms: keep them as written.
  if (issue.message.startsWith("must ")) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      if (
        typeof issue.input === "number" &&
        !Number.isFinite(issue.input) &&
        ["number", "int"].includes(issue.expected)
      ) {
        return `must be a finite number, not ${String(issue.input)}`;
      }
      return `must be ${TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `must list at least ${issue.minimum}`;
      if (issue.origin === "string") return "must not be empty";
      return `must be at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `must list at most ${issue.maximum}`;
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    case "invalid_union":
      return "has the wrong shape";
    default:
      return issue.message;
  }
}

/**
 * A credential key's value is never shown, nor what is wrong inside it (a map's keys could be
 * the credential itself): one line per key, saying how to set it.
 */
function credentialProblem(key: string): string {
  return `${configKey([key])} = ${HIDDEN}: must be the credential's text, encrypted; ${howToSetCredential(key)}`;
}

/** One line per zod issue, in the same key/value/allowed form as the semantic checks. */
export function describeSchemaIssues(schema: z.ZodType, issues: z.core.$ZodIssue[]): string[] {
  const credentials = new Set<string>();
  return issues.flatMap((issue) => {
    if (isCredentialPath(issue.path)) {
      const key = String(issue.path[0]);
      if (credentials.has(key)) return [];
      credentials.add(key);
      return [credentialProblem(key)];
    }
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
