import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../config/errors";
import { readStackFile } from "../../config/stack-file";
import { renderStack } from "../../components/render";
import { namespaceName } from "../../components/platforms/network-policies";
import { hostAgentNamespace } from "../../config/kubernetes-names";
import { problemsOf, settingsFrom } from "../support/settings";

/**
 * Wrong values of every kind the config loader must refuse before anything is created: each
 * case names the key, shows the value (never a credential's) and says what is allowed.
 * Beside them, edge values that must still be accepted, so no refusal is broader than meant.
 */

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

describe("quantities: no less than Docker takes, no more than a component's maximum", () => {
  const MISSING_UNIT = "a number without a unit is bytes (write 512Mi, not 512)";
  test.each([
    [
      "components.loki.resources.limits.memory",
      "0",
      "must be at least 6Mi: Docker refuses a memory limit below 6 MiB",
    ],
    ["components.loki.resources.limits.memory", "512", MISSING_UNIT],
    ["components.loki.resources.requests.memory", "5Mi", "must be at least 6Mi"],
    ["components.grafana.resources.limits.memory", "6M", "must be at least 6Mi"],
    [
      "components.loki.storage",
      "0",
      "must be at least 1Mi: a smaller volume holds no data directory",
    ],
    ["components.prometheus.storage", "100", MISSING_UNIT],
    ["sentry.services.bugsink.storage", "1Ki", "must be at least 1Mi"],
    [
      "components.loki.resources.limits.cpu",
      "5m",
      "must be at least 10m (0.01 CPU): Docker's --cpus takes no less",
    ],
    ["components.loki.resources.requests.cpu", "0.5m", "must be at least 10m"],
    ["components.loki.resources.requests.cpu", 0.001, "must be at least 10m"],
    ["components.loki.resources.limits.cpu", "0", "must be at least 10m"],
    [
      "components.loki.resources.requests.cpu",
      "10.5m",
      "must be whole millicores, such as 15m or 0.015: Kubernetes refuses a finer CPU amount",
    ],
    ["components.loki.resources.requests.cpu", "0.0125", "must be whole millicores"],
    [
      "components.loki.resources.limits.memory",
      512,
      "must be a quantity with a unit, such as 512Mi, 1Gi or 1.5G",
    ],
    ["components.loki.storage", 5, "must be a quantity with a unit"],
    [
      "components.loki.resources.limits.cpu",
      "1 core",
      "must be cores such as 0.5 or 2, or millicores such as 500m",
    ],
    ["components.loki.maximums.memory", "1", "must be at least 6Mi"],
  ])("%s = %p", (key, value, allowed) => {
    const problem = onlyProblem({ environment: "dev", ...at(key, value) });
    expect(problem).toContain(`observability-stack:${key} = ${JSON.stringify(value)}: must `);
    expect(problem).toContain(allowed);
  });

  test.each([
    [
      "prod",
      "components.prometheus.resources.limits.memory",
      "2Ti",
      "must be at most 32Gi, the maximum for components.prometheus (16 times prod's preset of 2Gi, to catch a unit typo such as Ti for Gi); if you mean it, set components.prometheus.maximums.memory to at least 2Ti",
    ],
    [
      "prod",
      "components.loki.storage",
      "100Ti",
      "must be at most 1600Gi, the maximum for components.loki (16 times prod's preset of 100Gi",
    ],
    [
      "prod",
      "components.grafana.resources.limits.cpu",
      "500",
      "must be at most 8, the maximum for components.grafana (16 times prod's preset of 500m",
    ],
    [
      "prod",
      "components.jaeger.resources.limits.memory",
      "768Gi",
      "must be at most 12Gi, the maximum for components.jaeger (16 times prod's preset of 768Mi",
    ],
    [
      "staging",
      "components.alertmanager.storage",
      "256Gi",
      "must be at most 4Gi, the maximum for components.alertmanager (16 times staging's preset of 256Mi",
    ],
    [
      "prod",
      "sentry.services.postgres.storage",
      "20Ti",
      "must be at most 320Gi, the maximum for sentry.services.postgres",
    ],
    [
      "prod",
      "sentry.services.clickhouse.resources.limits.memory",
      "1536Gi",
      "must be at most 24Gi, the maximum for sentry.services.clickhouse (16 times prod's preset of 1536Mi",
    ],
  ])("%s: %s = %p", (environment, key, value, allowed) => {
    const problem = onlyProblem({ environment, ...at(key, value) });
    expect(problem).toContain(`observability-stack:${key} = ${JSON.stringify(value)}: ${allowed}`);
  });

  test("a raised maximum lets a deliberate value through, and is itself the ceiling", () => {
    const prometheus = (memory: string, maximum: string) => ({
      environment: "prod",
      components: {
        prometheus: { resources: { limits: { memory } }, maximums: { memory: maximum } },
      },
    });
    expect(
      settingsFrom(prometheus("64Gi", "64Gi")).components.prometheus.resources.limits.memory,
    ).toBe("64Gi");
    expect(onlyProblem(prometheus("65Gi", "64Gi"))).toBe(
      'observability-stack:components.prometheus.resources.limits.memory = "65Gi": must be at most 64Gi, the maximum for components.prometheus (set by components.prometheus.maximums.memory); if you mean it, set components.prometheus.maximums.memory to at least 65Gi',
    );
  });

  test("a maximum lowered below the preset's value blames the maximum", () => {
    expect(
      onlyProblem({ environment: "prod", components: { loki: { maximums: { storage: "10Gi" } } } }),
    ).toBe(
      'observability-stack:components.loki.maximums.storage = "10Gi": must be at least components.loki.storage, 100Gi (prod\'s preset): remove it or raise it',
    );
  });

  // Requests and storage on Kubernetes (staging): on Docker they have no effect and are refused.
  test.each([
    ["dev", "components.loki.resources.limits.memory", "6Mi"],
    ["staging", "components.loki.resources.requests.cpu", "10m"],
    ["staging", "components.loki.resources.requests.cpu", 0.01],
    ["staging", "components.loki.resources.requests.cpu", "0.015"],
    ["staging", "components.loki.storage", "1Mi"],
    ["staging", "components.loki.storage", "1.5Gi"],
    ["prod", "components.prometheus.resources.limits.memory", "32Gi"],
    ["prod", "components.prometheus.resources.limits.cpu", 24],
    ["prod", "components.loki.storage", "1600Gi"],
    ["prod", "components.prometheus.storage", "1.5Ti"],
  ])("accepted: %s: %s = %p", (environment, key, value) => {
    expect(() => settingsFrom({ environment, ...at(key, value) })).not.toThrow();
  });
});

describe("image references: a repository without a tag, a tag that pins a version", () => {
  const TAG_RULE =
    "must be an image tag: letters, digits, _, . and -, at most 128 characters, not starting with . or -";
  test.each([
    [
      "components.prometheus.image.repository",
      "prom/prometheus:v3",
      'must not hold a tag: write "prom/prometheus" and set the tag apart, in image.tag ("v3")',
    ],
    [
      "components.grafana.image.repository",
      "registry.local:5000/grafana/grafana:12.3.1",
      'write "registry.local:5000/grafana/grafana" and set the tag apart',
    ],
    ["sentry.services.bugsink.image.repository", "bugsink/bugsink:latest", "must not hold a tag"],
    [
      "components.loki.image.repository",
      "grafana/loki@sha256:0123abcd",
      "must not hold a digest (@sha256:...)",
    ],
    [
      "components.loki.image.repository",
      "Grafana/Loki",
      "must be an image repository such as prom/prometheus",
    ],
    ["components.loki.image.repository", "grafana//loki", "path parts in lower case"],
    ["components.loki.image.repository", "-bad.registry/loki", "must be an image repository"],
    [
      "components.loki.image.tag",
      "latest",
      "must be a pinned version, not latest (in any letter case)",
    ],
    ["components.loki.image.tag", "Latest", "not latest (in any letter case)"],
    ["components.jaeger.image.tag", "LATEST", "not latest"],
    ["components.loki.image.tag", ".hidden", TAG_RULE],
    ["components.loki.image.tag", "-rc1", TAG_RULE],
    ["components.loki.image.tag", "3.7/8", TAG_RULE],
    ["components.loki.image.tag", "x".repeat(129), TAG_RULE],
    ["components.loki.image.tag", 3.7, TAG_RULE],
  ])("%s = %p", (key, value, allowed) => {
    const problem = onlyProblem({ environment: "dev", ...at(key, value) });
    expect(problem).toContain(`observability-stack:${key} = `);
    expect(problem).toContain(JSON.stringify(value).slice(0, 50));
    expect(problem).toContain(allowed);
  });

  test.each([
    ["components.loki.image.repository", "registry.local:5000/grafana/loki"],
    ["components.loki.image.repository", "localhost/loki"],
    ["components.loki.image.repository", "my_org/loki__mirror"],
    ["components.loki.image.repository", "REGISTRY.example.com/grafana/loki"],
    ["components.loki.image.tag", "3.7.8_build-1"],
    ["components.loki.image.tag", "latest-3.7"],
    ["components.loki.image.tag", "x".repeat(128)],
  ])("accepted: %s = %p", (key, value) => {
    expect(() => settingsFrom({ environment: "dev", ...at(key, value) })).not.toThrow();
  });
});

describe("Kubernetes names", () => {
  const LABEL =
    "must be a DNS label: a-z, 0-9 and -, starting and ending with a letter or digit, at most 63 characters";
  test.each([
    [
      "kubernetes.namespace",
      "o".repeat(59),
      "must be at most 58 characters: the host agents run in " +
        "o".repeat(59) +
        "-host (64 characters), and a namespace name is at most 63",
    ],
    ["kubernetes.namespace", "o".repeat(64), LABEL],
    [
      "kubernetes.namespace",
      "kube-system",
      "must not be a namespace of the cluster's own (default, kube-system, kube-public, kube-node-lease) nor start with kube-",
    ],
    ["kubernetes.namespace", "default", "namespace of the cluster's own"],
    ["kubernetes.namespace", "kube-public", "namespace of the cluster's own"],
    ["kubernetes.namespace", "kube-node-lease", "namespace of the cluster's own"],
    ["kubernetes.namespace", "kube-obs", "nor start with kube- (reserved for Kubernetes)"],
    ["kubernetes.namespace", "Observability", LABEL],
    ["kubernetes.namespace", "obs.prod", LABEL],
    ["kubernetes.namespace", "obs-", LABEL],
    [
      "kubernetes.storageClass",
      "fast..ssd",
      "must be a DNS subdomain: DNS labels (a-z, 0-9 and -) joined by dots, at most 253 characters",
    ],
    ["kubernetes.storageClass", "Fast-SSD", "must be a DNS subdomain"],
    ["kubernetes.storageClass", `${"a".repeat(63)}.`.repeat(4) + "b", "at most 253 characters"],
    ["kubernetes.storageClass", "ssd-.local", "must be a DNS subdomain"],
  ])("%s = %p", (key, value, allowed) => {
    const problem = onlyProblem({ environment: "staging", ...at(key, value) });
    expect(problem).toContain(`observability-stack:${key} = ${JSON.stringify(value).slice(0, 50)}`);
    expect(problem).toContain(allowed);
  });

  test.each([
    ["kubernetes.namespace", "o".repeat(58)],
    ["kubernetes.namespace", "obs-1"],
    ["kubernetes.namespace", "kubernetes-obs"],
    ["kubernetes.storageClass", "ebs.csi.aws.com"],
    ["kubernetes.storageClass", "fast-ssd"],
  ])("accepted: %s = %p", (key, value) => {
    expect(() => settingsFrom({ environment: "staging", ...at(key, value) })).not.toThrow();
  });

  test("the host agents' namespace is the one the platform creates", () => {
    const settings = settingsFrom({
      environment: "staging",
      kubernetes: { namespace: "o".repeat(58) },
    });
    expect(hostAgentNamespace(settings)).toHaveLength(63);
    expect(namespaceName(settings, "host")).toBe(hostAgentNamespace(settings));
  });
});

describe("scrapeJobs: targets Prometheus can dial, paths without a query", () => {
  const job = (fields: Record<string, unknown>) => ({
    environment: "dev",
    scrapeJobs: [{ job: "api", targets: ["api:8000"], ...fields }],
  });
  const PORT = "must be host:port, such as api:8000 or 10.0.0.5:9100, with a port from 1 to 65535";
  const HOST =
    "must be host:port, such as api:8000 or 10.0.0.5:9100, with a host name (labels of letters, digits, _ and -, 1 to 63 characters each, not starting or ending with -) or an IPv4 address";
  test.each([
    ["targets", "api:0", PORT],
    ["targets", "api:65536", PORT],
    ["targets", "api:123456", PORT],
    ["targets", "-api:8000", HOST],
    ["targets", "api-.internal:8000", HOST],
    ["targets", "api..internal:8000", HOST],
    ["targets", `${"a".repeat(64)}:8000`, HOST],
    ["targets", "10.0.0.256:9100", HOST],
    ["targets", "10.0.5:9100", HOST],
    ["targets", "api server:8000", HOST],
    ["targets", "api:", "must be host:port, such as api:8000 or 10.0.0.5:9100, or [IPv6]:port"],
    [
      "metricsPath",
      "/metrics?format=prometheus",
      "must be a path without a query string: put query parameters in the job's params, such as params: {format: [prometheus]}",
    ],
    ["metricsPath", "/metrics\n", "must be a path without spaces or control characters"],
    ["metricsPath", "/me trics", "must be a path without spaces or control characters"],
    ["metricsPath", "/metrics#top", "must be a path without a fragment (#)"],
    ["metricsPath", "metrics", "must be a path starting with /, such as /metrics"],
  ])("%s: %p", (field, value, allowed) => {
    const key = field === "targets" ? "scrapeJobs.0.targets.0" : "scrapeJobs.0.metricsPath";
    const problem = onlyProblem(job({ [field]: field === "targets" ? [value] : value }));
    expect(problem).toContain(`observability-stack:${key} = ${JSON.stringify(value).slice(0, 50)}`);
    expect(problem).toContain(allowed);
  });

  test.each([
    [
      { params: { format: "prometheus" } },
      "scrapeJobs.0.params.format",
      "must be a list of values, such as [prometheus]",
    ],
    [{ params: { format: [] } }, "scrapeJobs.0.params.format", "must list at least 1"],
    [{ params: { format: [1] } }, "scrapeJobs.0.params.format.0", "must be a string"],
    [{ params: ["format"] }, "scrapeJobs.0.params", "must be a map of keys to values"],
  ])("params %p", (fields, key, allowed) => {
    expect(onlyProblem(job(fields))).toContain(`observability-stack:${key} = `);
    expect(onlyProblem(job(fields))).toContain(allowed);
  });

  test.each([
    ["targets", ["my_project_api_1:8000"]],
    ["targets", ["api.internal.example.com:65535"]],
    ["targets", ["10.0.0.255:1"]],
    ["targets", ["[::1]:9100"]],
    ["targets", [`${"a".repeat(63)}:8000`]],
    ["metricsPath", "/internal/metrics"],
    ["metricsPath", "/metrics/%7Bencoded%7D"],
  ])("accepted: %s %p", (field, value) => {
    expect(() => settingsFrom(job({ [field]: value }))).not.toThrow();
  });

  test("params reach Prometheus' scrape_config as written", () => {
    const settings = settingsFrom(job({ params: { module: ["http_2xx"], target: ["a", "b"] } }));
    const file = renderStack(settings).find((f) => f.path === "prometheus/prometheus.yml")!;
    expect(file.content).toMatch(
      /job_name: api\n\s+metrics_path: \/metrics\n\s+params:\n\s+module:\n\s+- http_2xx\n\s+target:\n\s+- a\n\s+- b\n/,
    );
  });
});

describe("messages: values as written, what is allowed, the key the user wrote", () => {
  test.each([
    [
      "sampling.ratio",
      NaN,
      "observability-stack:sampling.ratio = NaN: must be a finite number, not NaN",
    ],
    [
      "sampling.ratio",
      Infinity,
      "observability-stack:sampling.ratio = Infinity: must be a finite number, not Infinity",
    ],
    [
      "sampling.ratio",
      -Infinity,
      "observability-stack:sampling.ratio = -Infinity: must be a finite number",
    ],
    [
      "components.loki.replicas",
      NaN,
      "observability-stack:components.loki.replicas = NaN: must be a finite number, not NaN",
    ],
    [
      "components.loki.ports.http",
      Infinity,
      "observability-stack:components.loki.ports.http = Infinity: must be a finite number",
    ],
    [
      "retention.logs",
      7,
      "observability-stack:retention.logs = 7: must be a positive duration such as 30s, 12h, 7d or 1h30m",
    ],
    [
      "sampling.tail.latencyThreshold",
      2,
      "observability-stack:sampling.tail.latencyThreshold = 2: must be a positive duration",
    ],
    [
      "components.grafana.resources.limits.memory",
      1024,
      "observability-stack:components.grafana.resources.limits.memory = 1024: must be a quantity with a unit, such as 512Mi, 1Gi or 1.5G",
    ],
    [
      "components.loki.resources.limits.cpu",
      true,
      "observability-stack:components.loki.resources.limits.cpu = true: must be cores such as 0.5 or 2, or millicores such as 500m",
    ],
    [
      "kubernetes.namespace",
      7,
      "observability-stack:kubernetes.namespace = 7: must be a DNS label: a-z, 0-9 and -, starting and ending with a letter or digit, at most 63 characters",
    ],
    [
      "components.loki.image",
      "grafana/loki:3",
      'observability-stack:components.loki.image = "grafana/loki:3": must be an object (keys and values)',
    ],
    [
      "scrapeJobs",
      { job: "api" },
      'observability-stack:scrapeJobs = {"job":"api"}: must be a list',
    ],
    [
      "scrapeJobs.0.targets",
      "api:8000",
      'observability-stack:scrapeJobs.0.targets = "api:8000": must be a list',
    ],
    [
      "components.loki.enabled",
      "no",
      'observability-stack:components.loki.enabled = "no": must be true or false',
    ],
    [
      "components.loki.replicas",
      1.5,
      "observability-stack:components.loki.replicas = 1.5: must be a whole number",
    ],
    ["sampling", { ratio: NaN, tail: [Infinity] }, "observability-stack:sampling.ratio = NaN"],
  ])("%s = %p", (key, value, expected) => {
    const values: Record<string, unknown> = { environment: "dev", ...at(key, value) };
    if (key === "scrapeJobs.0.targets") values.scrapeJobs = [{ job: "api", targets: value }];
    expect(problemsOf(values)[0]).toContain(expected);
  });

  test("a value holding NaN or an infinity is shown as written", () => {
    expect(
      problemsOf({ environment: "dev", components: { loki: { image: [NaN, -Infinity] } } }),
    ).toEqual([
      "observability-stack:components.loki.image = [NaN,-Infinity]: must be an object (keys and values)",
    ]);
  });

  test.each([
    [
      { scrapeJobs: [{ job: "api", targets: ["api:8000"], path: "/m" }] },
      "observability-stack:scrapeJobs.0.path: unknown key; allowed here: job, targets, metricsPath, params",
    ],
    [
      {
        scrapeJobs: [
          { job: "a", targets: ["a:1"] },
          { job: "b", targets: ["b:1"], interval: "5s" },
        ],
      },
      "observability-stack:scrapeJobs.1.interval: unknown key; allowed here: job, targets, metricsPath, params",
    ],
    [
      { components: { loki: { maximums: { disk: "1Ti" } } } },
      "observability-stack:components.loki.maximums.disk: unknown key; allowed here: cpu, memory, storage",
    ],
  ])("unknown keys list the keys allowed there, inside lists too", (values, expected) => {
    expect(problemsOf({ environment: "dev", ...values })).toEqual([expected]);
  });

  test.each([
    [
      "a request above the preset's limit blames the request, and says the limit is the preset's",
      {
        environment: "prod",
        components: { prometheus: { resources: { requests: { memory: "3Gi" } } } },
      },
      'observability-stack:components.prometheus.resources.requests.memory = "3Gi": must not exceed the memory limit 2Gi (prod\'s preset); lower the request, or raise components.prometheus.resources.limits.memory with it',
    ],
    [
      "a request above the user's own limit names the limit key",
      {
        environment: "prod",
        components: { loki: { resources: { requests: { cpu: "2" }, limits: { cpu: "1500m" } } } },
      },
      'observability-stack:components.loki.resources.requests.cpu = "2": must not exceed the CPU limit 1500m (set by components.loki.resources.limits.cpu); lower the request, or raise components.loki.resources.limits.cpu with it',
    ],
    [
      "a tracker service's request above its preset limit",
      {
        environment: "dev",
        sentry: { services: { bugsink: { resources: { requests: { memory: "1Gi" } } } } },
      },
      'observability-stack:sentry.services.bugsink.resources.requests.memory = "1Gi": must not exceed the memory limit 384Mi (dev\'s preset)',
    ],
  ])("%s", (_what, values, expected) => {
    expect(problemsOf(values)[0]).toContain(expected);
  });

  test("a limit lowered below the preset's request takes the request down with it, without blame", () => {
    const settings = settingsFrom({
      environment: "staging",
      components: { loki: { resources: { limits: { cpu: "50m" } } } },
    });
    expect(settings.components.loki.resources.requests.cpu).toBe("50m");
  });

  describe("a stack file that is not YAML names the file and the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    test.each([
      [
        "a tab in the indentation",
        "config:\n  observability-stack:environment: dev\n\tbad: 1\n",
        3,
      ],
      ["an unclosed quote", 'config:\n  observability-stack:environment: "dev\n', 3],
      ["a key twice", "config:\n  a: 1\n  a: 2\n", 3],
      ["a list item in a map", "config:\n  a: 1\n  - b\n", 3],
    ])("%s", (_what, text, line) => {
      fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), text);
      let problems: string[] = [];
      try {
        readStackFile(dir, "broken");
      } catch (error) {
        problems = (error as ConfigError).problems;
      }
      const file = path.join(dir, "Pulumi.broken.yaml");
      expect(problems).toHaveLength(1);
      expect(problems[0].startsWith(`${file}:${line}:`)).toBe(true);
      expect(problems[0]).toMatch(/: not valid YAML \(.+\); nothing in it was read$/);
    });

    test("a credential on the broken line is not quoted", () => {
      fs.writeFileSync(
        path.join(dir, "Pulumi.broken.yaml"),
        'config:\n  observability-stack:slackWebhookUrl: "https://hooks.example/SECRET\n',
      );
      expect(() => readStackFile(dir, "broken")).toThrow(ConfigError);
      try {
        readStackFile(dir, "broken");
      } catch (error) {
        expect(String(error)).not.toContain("SECRET");
      }
    });
  });
});
