import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../config/errors";
import { readStackFile } from "../../config/stack-file";
import { renderStack } from "../../components/render";
import { settingsFrom } from "../support/settings";

/**
 * Wrong values of every kind the config loader must refuse before anything is created: each
 * case names the key, shows the value (never a credential's) and says what is allowed.
 * Beside them, edge values that must still be accepted, so no refusal is broader than meant.
 */

function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
  try {
    settingsFrom(values, secretKeys);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

/** The one problem of a config that has exactly one. */
function onlyProblem(values: Record<string, unknown>, secretKeys: string[] = []): string {
  const problems = problemsOf(values, secretKeys);
  expect(problems).toHaveLength(1);
  return problems[0];
}

/** `{a: {b: value}}` from "a.b": the key a case is about, written once. */
function at(key: string, value: unknown): Record<string, unknown> {
  return key
    .split(".")
    .reverse()
    .reduce<unknown>((inner, segment) => ({ [segment]: inner }), value) as Record<string, unknown>;
}

describe("a credential's value is never shown", () => {
  const SECRET = "hunter2-s3cr3t";
  test.each([
    ["a map", "slackWebhookUrl", { url: SECRET }],
    ["a map whose key is the credential", "sentryDsn", { [SECRET]: null }],
    ["a number", "pagerdutyRoutingKey", 271828182845],
    ["a list", "deadMansSwitchUrl", [SECRET, SECRET]],
    ["an empty string", "slackWebhookUrl", ""],
    ["an encrypted value with a key too many", "sentryDsn", { secure: SECRET, extra: SECRET }],
    ["true", "pagerdutyRoutingKey", true],
  ])("%s under %s", (_shape, key, value) => {
    const problem = onlyProblem({ environment: "dev", [key]: value }, [key]);
    expect(problem).toContain(`observability-stack:${key} `);
    expect(problem).toContain(`pulumi config set --secret ${key} <value>`);
    expect(problem).toContain("not shown: it is a credential");
    expect(problem).not.toContain(SECRET);
    expect(problem).not.toContain("271828182845");
    expect(problem).not.toContain("true");
  });

  test("the whole error, with other problems beside it, holds no credential", () => {
    try {
      settingsFrom(
        { environment: "dev", slackWebhookUrl: { url: SECRET }, sampling: { ratio: 2 } },
        ["slackWebhookUrl"],
      );
      throw new Error("config was accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).not.toContain(SECRET);
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  test("a credential in plain text is named, not shown", () => {
    const problem = onlyProblem({ environment: "dev", slackWebhookUrl: SECRET });
    expect(problem).toContain("observability-stack:slackWebhookUrl");
    expect(problem).not.toContain(SECRET);
  });

  test.each([
    ["an encrypted value", { secure: "v1:abc" }],
    ["decrypted text", "https://hooks.slack.com/services/T/B/x"],
  ])("accepted: %s", (_what, value) => {
    expect(() =>
      settingsFrom({ environment: "dev", slackWebhookUrl: value }, ["slackWebhookUrl"]),
    ).not.toThrow();
  });
});

describe("durations: what Prometheus, Loki and Jaeger accept", () => {
  const ORDER = "each unit at most once, from the largest down (y, w, d, h, m, s, ms)";
  test.each([
    [
      "retention.metrics",
      "1d1d",
      `${ORDER}, as Prometheus writes durations: such as 1d12h; d is written twice`,
    ],
    [
      "retention.metrics",
      "30m1h",
      `${ORDER}, as Prometheus writes durations: such as 1d12h; h comes after m`,
    ],
    ["retention.traces", "1h1d", "d comes after h"],
    ["retention.traces", "1s500ms1s", "s is written twice"],
    ["sampling.tail.latencyThreshold", "1ms1s", "s comes after ms"],
    ["retention.metrics", "293y", "must be at most 106751d23h47m16s854ms (about 292y)"],
    ["retention.traces", "9223372036855ms", "must be at most 106751d23h47m16s854ms"],
    ["sampling.tail.latencyThreshold", "99999999999999999999d", "2^63 nanoseconds"],
    [
      "retention.logs",
      "12h",
      "must be whole days, at least 1d: Loki applies retention per 24h index table; such as 1d",
    ],
    ["retention.logs", "36h", "must be whole days, at least 1d"],
    ["retention.logs", "1d1s", "must be whole days"],
    ["retention.logs", "90m", "such as 1d"],
    ["retention.metrics", "1.5d", "must be a positive duration such as 30s, 12h, 7d or 1h30m"],
    ["retention.metrics", "7D", "must be a positive duration"],
    ["rules.overrides.TargetDown.for", "5 m", "must be a duration such as 0s, 30s, 5m or 1h30m"],
    ["rules.overrides.TargetDown.for", "1h1h", "h is written twice"],
    ["rules.overrides.TargetDown.for", "-5m", "must be a duration such as 0s"],
  ])("%s = %p", (key, value, allowed) => {
    const problem = onlyProblem({ environment: "dev", ...at(key, value) });
    expect(problem).toContain(`observability-stack:${key} = ${JSON.stringify(value)}: must `);
    expect(problem).toContain(allowed);
  });

  test.each([
    ["retention.metrics", "292y"],
    ["retention.metrics", "106751d23h47m16s854ms"],
    ["retention.metrics", "1y2w3d4h5m6s7ms"],
    ["retention.logs", "1d"],
    ["retention.logs", "48h"],
    ["retention.logs", "2w"],
    ["retention.traces", "90m"],
    ["retention.traces", "1500ms"],
    ["sampling.tail.latencyThreshold", "1ms"],
    ["rules.overrides.TargetDown.for", "0s"],
    ["rules.overrides.TargetDown.for", "1h30m"],
  ])("accepted: %s = %p", (key, value) => {
    expect(() => settingsFrom({ environment: "dev", ...at(key, value) })).not.toThrow();
  });

  test("Jaeger's TTL is the duration exactly, in the units Go parses (no rounding to hours)", () => {
    const settings = settingsFrom({ environment: "dev", retention: { traces: "1d90m" } });
    const jaeger = renderStack(settings).find((file) => file.path === "jaeger/config.yml")!;
    expect(jaeger.content).toMatch(/ttl:\n\s+spans: 25h30m\n/);
  });
});
