import { HASHED_FIELDS, REDACTED_FIELDS, REDACTION_MASK } from "../../telemetry/redaction";

/** The scrub list lives in telemetry/redaction.ts (services read it too); kept here for existing imports. */
export { HASHED_FIELDS, REDACTED_FIELDS, REDACTION_MASK };

/**
 * The collector's redaction: one `transform` processor (OTTL) for every pipeline. The
 * `attributes` processor it replaces matches keys exactly as written, so `Password` or
 * `API_KEY` went through in clear, and it never looked at resource attributes or log bodies.
 * Here keys compare without case, as the Sentry scrubber's do (telemetry/sentry.ts):
 *
 * - attribute maps (resource, span, span event, log record, metric data point, and a log
 *   body that is a map): the values of the scrub list's keys become the mask and those of
 *   the hashed keys their SHA-256, whatever the key's case; other keys are kept as they are.
 *   OTTL has no loop without an alpha feature gate, so each map is copied to the record's
 *   cache, cut down to the matching keys, rewritten there and merged back (`update`: only
 *   keys that exist are touched). Non-string values (`ssn: 123`) are turned into text first.
 * - a log body that is text: `"key": value` pairs of JSON and `key=value` pairs of text
 *   (query strings, logfmt) get the mask as their value. Hashed keys in a text body are not
 *   rewritten (a regex replacement cannot hash one group and keep the key beside it).
 */
export const REDACTION_PROCESSOR = "transform/redact";

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alternatives = (keys: readonly string[]) => keys.map(escapeRegex).join("|");

/** A whole key of the list, any case. */
const keyPattern = (keys: readonly string[]) => `(?i)^(?:${alternatives(keys)})$`;
/** The whole value, newlines included: it is replaced as one piece. */
const WHOLE_VALUE = "(?s)^.*$";

/** `"password": "x"` or `"ssn": 123` in JSON text; the key and colon are kept (group 1). */
export const JSON_PAIR_PATTERN = `(?i)("(?:${alternatives(REDACTED_FIELDS)})"\\s*:\\s*)(?:"(?:[^"\\\\]|\\\\.)*"|[^,}\\]\\s]+)`;
/**
 * `password=x`, `api_key="a b"` in text, where the key is not the end of a longer one
 * (`csrf_token=` is kept): what precedes it (group 1) and the key (group 2) are kept.
 */
export const TEXT_PAIR_PATTERN = `(?i)(^|[^A-Za-z0-9_.-])(${alternatives(REDACTED_FIELDS)})=(?:"[^"]*"|[^\\s&,;]*)`;

/** An OTTL string literal. */
function ottl(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The collector expands `${...}` in every config string and reads `$$` as `$`: the
 * replacements' group references are written `$$1`.
 */
const group = (n: number) => `$$${n}`;

/** Statements masking (and hashing) the scrub list's keys of one map, in the current context. */
function scrubMap(map: string, where = ""): string[] {
  const guard = where ? ` where ${where}` : "";
  const rewrite = (slot: string, keys: readonly string[], replace: string) => [
    `set(cache[${ottl(slot)}], ${map})${guard}`,
    `keep_matching_keys(cache[${ottl(slot)}], ${ottl(keyPattern(keys))})${guard}`,
    `stringify_all(cache[${ottl(slot)}])${guard}`,
    `replace_all_patterns(cache[${ottl(slot)}], "value", ${ottl(WHOLE_VALUE)}, ${replace})${guard}`,
    `merge_maps(${map}, cache[${ottl(slot)}], "update")${guard}`,
  ];
  return [
    ...rewrite("redacted", REDACTED_FIELDS, ottl(REDACTION_MASK)),
    ...rewrite("hashed", HASHED_FIELDS, `${ottl(group(0))}, SHA256`),
  ];
}

/** Statements masking the scrub list's values in a text log body. */
function scrubTextBody(): string[] {
  const where = " where IsString(body)";
  return [
    `replace_pattern(body, ${ottl(JSON_PAIR_PATTERN)}, ${ottl(`${group(1)}"${REDACTION_MASK}"`)})${where}`,
    `replace_pattern(body, ${ottl(TEXT_PAIR_PATTERN)}, ${ottl(`${group(1)}${group(2)}=${REDACTION_MASK}`)})${where}`,
  ];
}

export function redactionProcessor() {
  const resource = { context: "resource", statements: scrubMap("attributes") };
  return {
    [REDACTION_PROCESSOR]: {
      // A statement that fails is logged and skipped; the record is still exported.
      error_mode: "ignore",
      trace_statements: [
        resource,
        { context: "span", statements: scrubMap("attributes") },
        { context: "spanevent", statements: scrubMap("attributes") },
      ],
      log_statements: [
        resource,
        {
          context: "log",
          statements: [
            ...scrubMap("attributes"),
            ...scrubMap("body", "IsMap(body)"),
            ...scrubTextBody(),
          ],
        },
      ],
      metric_statements: [resource, { context: "datapoint", statements: scrubMap("attributes") }],
    },
  };
}
