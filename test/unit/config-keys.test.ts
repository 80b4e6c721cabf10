import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "../../config/load";
import { editDistance } from "../../config/namespace";
import { readPulumiConfig } from "../../config/pulumi-source";
import { fromConfigMap } from "../../config/stack-file";
import { RULE_PACKS } from "../../rules/packs";
import { alertsOf } from "../../rules/render";
import { THRESHOLD_KINDS, withinRange } from "../../rules/threshold-kinds";
import { problemsOf, refusalOf, settingsFrom } from "../support/settings";

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

/** Exactly one problem, naming the key and the value, and saying what is allowed. */
function expectOneProblem(problems: string[], key: string, value: string, allowed: string) {
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(`observability-stack:${key} = ${value}:`);
  expect(problems[0]).toContain(allowed);
}

describe("keys that have no effect", () => {
  const docker = { environment: "dev", target: "docker" };
  const kubernetes = { environment: "staging", target: "kubernetes" };

  test.each([
    [
      "kubernetes on Docker",
      docker,
      { kubernetes: { namespace: "obs" } },
      "kubernetes.namespace",
      '"obs"',
      "set target to kubernetes",
    ],
    [
      "a storage class on Docker",
      docker,
      { kubernetes: { storageClass: "fast" } },
      "kubernetes.storageClass",
      '"fast"',
      "it is a Kubernetes setting",
    ],
    [
      "docker on Kubernetes",
      kubernetes,
      { docker: { bindAddress: "0.0.0.0" } },
      "docker.bindAddress",
      '"0.0.0.0"',
      "set target to docker",
    ],
    [
      "docker on prod",
      { environment: "prod" },
      { docker: { bindAddress: "127.0.0.1" } },
      "docker.bindAddress",
      '"127.0.0.1"',
      "it is a Docker setting",
    ],
    [
      "replicas on Docker",
      docker,
      { components: { otelCollector: { replicas: 2 } } },
      "components.otelCollector.replicas",
      "2",
      "allowed: 1",
    ],
    [
      "collector replicas on Docker",
      docker,
      {
        components: {
          otelCollector: { replicas: 4, resources: { limits: { cpu: "100m", memory: "64Mi" } } },
        },
      },
      "components.otelCollector.replicas",
      "4",
      "Docker runs one container per component",
    ],
    [
      "a volume size on Docker",
      docker,
      { components: { prometheus: { storage: "50Gi" } } },
      "components.prometheus.storage",
      '"50Gi"',
      "a Docker volume has no size",
    ],
    [
      "requests on Docker",
      docker,
      { components: { jaeger: { resources: { requests: { memory: "64Mi" } } } } },
      "components.jaeger.resources.requests.memory",
      '"64Mi"',
      "Docker applies only limits (resources.limits.memory)",
    ],
    [
      "runAsNonRoot on Docker",
      docker,
      { components: { grafana: { securityContext: { runAsNonRoot: true } } } },
      "components.grafana.securityContext.runAsNonRoot",
      "true",
      "Docker takes only securityContext.runAsUser",
    ],
    [
      "a read-only root on Docker",
      docker,
      { components: { loki: { securityContext: { readOnlyRootFilesystem: false } } } },
      "components.loki.securityContext.readOnlyRootFilesystem",
      "false",
      "Docker takes only securityContext.runAsUser",
    ],
    [
      "tracker storage on Docker",
      docker,
      { sentry: { services: { bugsink: { storage: "5Gi" } } } },
      "sentry.services.bugsink.storage",
      '"5Gi"',
      "a Docker volume has no size",
    ],
  ])("%s", (_, base, extra, key, value, allowed) => {
    expectOneProblem(problemsOf({ ...base, ...extra }), key, value, allowed);
  });

  test.each([
    ["otelCollector", "staging", "OpenTelemetry"],
    ["nodeExporter", "prod", "node"],
    ["cadvisor", "staging", "cAdvisor"],
  ])("storage on the stateless %s (%s)", (id, environment, name) => {
    expectOneProblem(
      problemsOf({ environment, components: { [id]: { storage: "10Gi" } } }),
      `components.${id}.storage`,
      '"10Gi"',
      "keeps no data, so it has no volume to size",
    );
    expect(problemsOf({ environment, components: { [id]: { storage: "10Gi" } } })[0]).toContain(
      name,
    );
  });

  test.each([
    ["memcached", "memcached (Sentry)"],
    ["web", "Sentry web"],
    ["relay", "Relay"],
  ])("storage on the stateless tracker service %s", (id, name) => {
    const problems = problemsOf({
      environment: "prod",
      sentry: { mode: "self-hosted", services: { [id]: { storage: "1Gi" } } },
    });
    expectOneProblem(problems, `sentry.services.${id}.storage`, '"1Gi"', `${name} keeps no data`);
  });

  test.each([
    ["jaeger", "otlpGrpc", "published ports you may set: ui"],
    ["jaeger", "sampling", "published ports you may set: ui"],
    ["loki", "grpc", "published ports you may set: http"],
    ["otelCollector", "metrics", "published ports you may set: otlpGrpc, otlpHttp"],
    ["cadvisor", "http", "it publishes no port"],
  ])("a port override of %s's unpublished %s port", (id, port, allowed) => {
    const problems = problemsOf({
      environment: "dev",
      components: { [id]: { ports: { [port]: 20001 } } },
    });
    expectOneProblem(problems, `components.${id}.ports.${port}`, "20001", allowed);
    expect(problems[0]).toContain("is not published");
  });

  test.each([
    ["dev (bugsink)", { environment: "dev" }, '"bugsink"', "creates its own tracker's project"],
    [
      "disabled",
      { environment: "dev", sentry: { mode: "disabled" } },
      '"disabled"',
      "no service reports errors",
    ],
    [
      "prod (self-hosted)",
      { environment: "prod" },
      '"self-hosted"',
      "used only when sentry.mode is external",
    ],
  ])("sentryDsn in mode %s, never shown", (_, values, mode, allowed) => {
    const dsn = "https://0123456789abcdef@errors.example.com/7";
    const problems = problemsOf({ ...values, sentryDsn: dsn }, ["sentryDsn"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("observability-stack:sentryDsn (a secret, not shown):");
    expect(problems[0]).toContain(`while sentry.mode is ${mode}`);
    expect(problems[0]).toContain(allowed);
    expect(problems.join("\n")).not.toContain("0123456789abcdef");
  });

  test.each([["https://errors.example.com"], ["http://127.0.0.1:9000"]])(
    "sentry.url %s while the tracker is disabled",
    (url) => {
      const problems = problemsOf({ environment: "dev", sentry: { mode: "disabled", url } });
      expectOneProblem(
        problems,
        "sentry.url",
        JSON.stringify(url),
        "choose a mode (bugsink, self-hosted, external)",
      );
    },
  );

  test.each([
    ["Watchdog", 1],
    ["RedisDown", 0.5],
    ["PrometheusConfigReloadFailed", 1],
  ])("a threshold for %s, which has none", (alert, threshold) => {
    const problems = problemsOf({
      environment: "dev",
      rules: { overrides: { [alert]: { threshold } } },
    });
    expectOneProblem(
      problems,
      `rules.overrides.${alert}.threshold`,
      String(threshold),
      "only for and severity may be overridden",
    );
  });

  test.each([
    ["HighAPIErrorRate", "api", { severity: "critical" }],
    ["HostHighCpuUsage", "host", { for: "10m" }],
    ["LokiRequestErrors", "loki", { threshold: 0.1 }],
  ])("an override of %s while its pack %s is disabled", (alert, pack, override) => {
    const problems = problemsOf({
      environment: "dev",
      rules: { packs: { [pack]: false }, overrides: { [alert]: override } },
    });
    expectOneProblem(
      problems,
      `rules.overrides.${alert}`,
      JSON.stringify(override),
      `rules.packs.${pack} disables; remove the override, or enable the pack`,
    );
  });

  test.each([
    ["docker keys on a Docker stack", { ...docker, docker: { bindAddress: "0.0.0.0" } }],
    [
      "kubernetes keys on a Kubernetes stack",
      { ...kubernetes, kubernetes: { namespace: "obs", storageClass: "fast" } },
    ],
    [
      "storage and requests on Kubernetes",
      {
        ...kubernetes,
        components: { prometheus: { storage: "20Gi", resources: { requests: { cpu: "100m" } } } },
      },
    ],
    [
      "replicas on Kubernetes",
      {
        environment: "prod",
        sampling: { tail: { enabled: false } },
        components: { otelCollector: { replicas: 3 } },
      },
    ],
    ["one replica on Docker", { ...docker, components: { grafana: { replicas: 1 } } }],
    ["a published port on Docker", { ...docker, components: { jaeger: { ports: { ui: 26686 } } } }],
    [
      "node-exporter's port on Docker: it listens on the host's network",
      { ...docker, components: { nodeExporter: { ports: { http: 9101 } } } },
    ],
    [
      "node-exporter's port on Kubernetes: it listens on the node's network",
      { ...kubernetes, components: { nodeExporter: { ports: { http: 9101 } } } },
    ],
    [
      "sentryDsn in mode external",
      { ...docker, sentry: { mode: "external" }, sentryDsn: "https://k@e.example.com/1" },
    ],
    [
      "sentry.url in mode external",
      {
        ...docker,
        sentry: { mode: "external", url: "https://e.example.com" },
        sentryDsn: "https://k@e.example.com/1",
      },
    ],
    ["sentry.url in mode bugsink", { ...docker, sentry: { url: "http://127.0.0.1:9000" } }],
    [
      "runAsUser on Docker",
      { ...docker, components: { grafana: { securityContext: { runAsUser: 472 } } } },
    ],
    [
      "a threshold of an enabled pack's alert",
      { ...docker, rules: { overrides: { HighAPIErrorRate: { threshold: 0.02 } } } },
    ],
    [
      "for of an alert without threshold",
      { ...docker, rules: { overrides: { Watchdog: { severity: "info" } } } },
    ],
  ])("still accepted: %s", (_, values) => {
    expect(() => settingsFrom(values, ["sentryDsn"])).not.toThrow();
  });
});

describe("alerting contradictions", () => {
  test.each([["dev"], ["staging"], ["prod"]])(
    "%s: the stack pack (Watchdog) disabled while a dead man's switch is set",
    (environment) => {
      const url = "https://hc-ping.example.com/0123-secret-uuid";
      const problems = problemsOf(
        { environment, rules: { packs: { stack: false } }, deadMansSwitchUrl: url },
        ["deadMansSwitchUrl"],
      );
      expectOneProblem(
        problems,
        "rules.packs.stack",
        "false",
        "remove the key (the pack is on by default) or remove deadMansSwitchUrl",
      );
      expect(problems[0]).toContain("disables Watchdog");
      expect(problems[0]).toContain("page for ever");
      expect(problems[0]).not.toContain("secret-uuid");
    },
  );

  test.each([
    ["HighAPIErrorRate", 5, "ratio", "between 0 and 1 (0.05 = 5%)"],
    ["HighAPIErrorRate", 1.01, "ratio", "between 0 and 1"],
    ["HostDiskSpaceLow", -0.1, "ratio", "between 0 and 1"],
    ["ContainerMemoryNearLimit", 90, "ratio", "between 0 and 1"],
    ["PaymentFailed", -1, "count", "is a count, 0 or more"],
    ["ContainerRestarting", -0.5, "count", "is a count, 0 or more"],
    ["SlowAPIResponse", -0.5, "seconds", "is a duration in seconds, 0 or more"],
    ["HostClockSkew", -1, "seconds", "is a duration in seconds"],
    ["HighMemoryUsage", -1024, "bytes", "is a number of bytes, 0 or more"],
    ["HighAPIRequestRate", -10, "perSecond", "is a rate per second, 0 or more"],
    ["HostHighLoad", -2, "factor", "is a factor, 0 or more"],
    ["HostDiskWillFillIn24Hours", -24, "hours", "is a number of hours, 0 or more"],
    ["TargetDown", 0.5, "state", "0 or 1"],
    ["ErrorTrackerDown", 2, "state", "0 or 1"],
    ["HighAPIErrorRate", Number.NaN, "ratio", "between 0 and 1"],
    ["SlowAPIResponse", Number.POSITIVE_INFINITY, "seconds", "0 or more"],
    ["PaymentFailed", Number.NEGATIVE_INFINITY, "count", "0 or more"],
  ])("rules.overrides.%s.threshold = %p (%s)", (alert, threshold, kind, allowed) => {
    const problems = problemsOf({
      environment: "dev",
      rules: { overrides: { [alert]: { threshold } } },
    });
    expectOneProblem(problems, `rules.overrides.${alert}.threshold`, String(threshold), allowed);
    expect(problems[0]).toContain(`(kind ${kind})`);
  });

  test("NaN and the infinities from a stack file are shown as written", () => {
    const raw = fromConfigMap("test", {
      "observability-stack:environment": "dev",
      "observability-stack:rules": { overrides: { SlowFRT: { threshold: Number.NaN } } },
    });
    expect(refusalOf(() => loadSettings(raw))).toEqual([
      expect.stringMatching(/^observability-stack:rules\.overrides\.SlowFRT\.threshold = NaN: /),
    ]);
  });

  test("a value set as JSON text (`pulumi config set key '<json>'`) reads as the structured one", () => {
    const scrapeJobs = [{ job: "orders", targets: ["orders:9000"] }];
    const structured = loadSettings(
      fromConfigMap("test", {
        "observability-stack:environment": "dev",
        "observability-stack:scrapeJobs": scrapeJobs,
      }),
    );
    const asText = loadSettings(
      fromConfigMap("test", {
        "observability-stack:environment": "dev",
        "observability-stack:scrapeJobs": JSON.stringify(scrapeJobs),
      }),
    );
    expect(asText.scrapeJobs).toEqual(structured.scrapeJobs);
    expect(asText.scrapeJobs.map((job) => job.job)).toEqual(["orders"]);
  });

  test.each([
    ["HighAPIErrorRate", 0],
    ["HighAPIErrorRate", 1],
    ["HostDiskSpaceCritical", 0.5],
    ["PaymentFailed", 0],
    ["SlowAPIResponse", 0],
    ["HighMemoryUsage", 0],
    ["HighMemoryUsage", 64 * 1024 ** 4],
    ["TargetDown", 1],
    ["HostHighLoad", 0.5],
  ])("still accepted: %s at %p, an edge or inside of its range", (alert, threshold) => {
    expect(() =>
      settingsFrom({ environment: "dev", rules: { overrides: { [alert]: { threshold } } } }),
    ).not.toThrow();
  });

  test.each([
    ["the stack pack disabled without a dead man's switch", { rules: { packs: { stack: false } } }],
    [
      "another pack disabled with a dead man's switch",
      { rules: { packs: { api: false } }, deadMansSwitchUrl: "https://hc.example.com/x" },
    ],
    [
      "the stack pack enabled explicitly",
      { rules: { packs: { stack: true } }, deadMansSwitchUrl: "https://hc.example.com/x" },
    ],
  ])("still accepted: %s", (_, values) => {
    expect(() =>
      settingsFrom({ environment: "dev", ...values }, ["deadMansSwitchUrl"]),
    ).not.toThrow();
  });
});

describe("every alert with a threshold has a kind", () => {
  const rules = RULE_PACKS.flatMap((pack) => alertsOf(pack));
  const withThreshold = rules.filter((rule) => rule.threshold !== undefined);

  test("most alerts have one, so the table below is not empty", () => {
    expect(withThreshold.length).toBeGreaterThan(50);
  });

  test.each(withThreshold.map((rule) => [rule.alert, rule] as const))(
    "%s: its kind is known and its default threshold is within the kind's range",
    (_, rule) => {
      if (rule.threshold === undefined) throw new Error("filtered above");
      expect(Object.keys(THRESHOLD_KINDS)).toContain(rule.thresholdKind);
      expect(withinRange(rule.thresholdKind, rule.threshold)).toBe(true);
    },
  );

  test.each([
    ["ratio", 1.5],
    ["ratio", -0.01],
    ["count", -1],
    ["state", 0.5],
    ["seconds", Number.NaN],
    ["bytes", Number.POSITIVE_INFINITY],
  ] as const)("withinRange refuses a %s of %p", (kind, value) => {
    expect(withinRange(kind, value)).toBe(false);
  });
});
