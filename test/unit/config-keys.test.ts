import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import { editDistance } from "../../config/namespace";
import { readPulumiConfig } from "../../config/pulumi-source";
import { fromConfigMap } from "../../config/stack-file";
import { settingsFrom } from "../support/settings";

/** The problems a config is refused with; fails the test when it is accepted. */
function problemsOf(values: Record<string, unknown>, secretKeys: string[] = []): string[] {
  try {
    settingsFrom(values, secretKeys);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

function refusalOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("config was accepted");
}

describe("a misspelt config namespace", () => {
  test.each([
    ["observabilty-stack", "retention"],
    ["observability-stak", "environment"],
    ["obsevability-stack", "target"],
    ["observability_stack", "sampling"],
    ["observability-stacks", "components"],
    ["Observability-Stack", "rules"],
    ["observablity-stak", "environment"],
  ])("%s:%s is refused in a stack file", (namespace, key) => {
    const problems = refusalOf(() =>
      fromConfigMap("test", {
        "observability-stack:environment": "dev",
        [`${namespace}:${key}`]: "3d",
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${namespace}:${key}:`);
    expect(problems[0]).toContain(`namespace "${namespace}"`);
    expect(problems[0]).toContain(`did you mean observability-stack:${key}?`);
  });

  test.each([
    ["observabilty-stack:slackWebhookUrl", "https://hooks.slack.com/services/T0/B0/secret-token"],
    ["observability-stak:sentryDsn", { secure: "v1:abcdef" }],
  ])("the value of %s is never shown", (fullKey, value) => {
    const [message] = refusalOf(() => fromConfigMap("test", { [fullKey]: value }));
    expect(message).toContain(fullKey);
    expect(message).not.toContain(typeof value === "string" ? value : value.secure);
  });

  test.each([
    ["pulumi:disable-default-providers", ["docker"]],
    ["kubernetes:context", "kind-obs"],
    ["docker:host", "unix:///var/run/docker.sock"],
    ["aws:region", "eu-west-1"],
    ["observability-stack:retention", { logs: "7d" }],
    // Three edits away: another project's namespace, not a typo of ours.
    ["observability-st:key", "value"],
  ])("%s passes", (fullKey, value) => {
    expect(() =>
      fromConfigMap("test", { "observability-stack:environment": "dev", [fullKey]: value }),
    ).not.toThrow();
  });

  test.each([
    ["observabilty-stack:retention", '{"logs":"7d"}'],
    ["observability-stak:environment", "dev"],
    ["obserability-stack:target", "docker"],
  ])("%s is refused by the Pulumi reader", (fullKey, text) => {
    pulumi.runtime.setAllConfig({ "observability-stack:environment": "dev", [fullKey]: text }, []);
    const problems = refusalOf(() => readPulumiConfig());
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${fullKey}:`);
    expect(problems[0]).toContain(`did you mean observability-stack:${fullKey.split(":")[1]}?`);
  });

  test("the Pulumi reader keeps our keys and passes other namespaces", () => {
    pulumi.runtime.setAllConfig(
      {
        "observability-stack:environment": "dev",
        "pulumi:disable-default-providers": '["docker"]',
        "kubernetes:context": "kind-obs",
      },
      [],
    );
    expect(readPulumiConfig().values).toEqual({ environment: "dev" });
  });

  test.each([
    ["observability-stack", "observability-stack", 0],
    ["observabilty-stack", "observability-stack", 1],
    ["observability-stak", "observability-stack", 1],
    ["obsrvability-stak", "observability-stack", 2],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("editDistance(%p, %p) is %p", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});
