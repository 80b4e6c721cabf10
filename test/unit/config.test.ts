import { PRESETS } from "../../config/presets";
import { STACKS, problemsOf, settingsFrom, stackSettings } from "../support/settings";

describe("presets from the seeds", () => {
  test.each([
    ["dev", 1.0, false, "3d", "7d", "1d"],
    ["staging", 0.5, false, "7d", "14d", "3d"],
    ["prod", 0.1, true, "15d", "30d", "7d"],
  ])(
    "%s samples %p (tail %p) and keeps metrics %s, logs %s, traces %s",
    (env, ratio, tail, metrics, logs, traces) => {
      const settings = stackSettings(env);
      expect(settings.sampling.ratio).toBe(ratio);
      expect(settings.sampling.tail.enabled).toBe(tail);
      expect(settings.sampling.tail.latencyThreshold.milliseconds).toBe(2000);
      expect(settings.retention.metrics.text).toBe(metrics);
      expect(settings.retention.logs.text).toBe(logs);
      expect(settings.retention.traces.text).toBe(traces);
    },
  );

  test.each(STACKS)("the %s stack loads with its preset's targets", (stack) => {
    const settings = stackSettings(stack);
    expect(settings.target).toBe(PRESETS[settings.environment].target);
  });

  test("no default image is latest, and every image has a pinned tag", () => {
    for (const component of Object.values(stackSettings("prod").components)) {
      expect(component.image).toMatch(/:[^:]+$/);
      expect(component.image).not.toMatch(/:latest$/);
    }
  });

  test("overrides change one key and leave the preset's others", () => {
    const settings = settingsFrom({
      environment: "prod",
      retention: { metrics: "30d" },
      components: {
        grafana: { image: { tag: "12.3.1" }, resources: { limits: { memory: "1Gi" } } },
      },
    });
    expect(settings.retention.metrics.text).toBe("30d");
    expect(settings.retention.logs.text).toBe("30d");
    expect(settings.components.grafana.image).toBe("grafana/grafana:12.3.1");
    expect(settings.components.grafana.resources.limits).toEqual({ cpu: "500m", memory: "1Gi" });
  });

  test("imageRegistry prefixes every default repository", () => {
    const settings = settingsFrom({ environment: "dev", imageRegistry: "mirror.internal:5000" });
    expect(settings.components.prometheus.image).toBe(
      "mirror.internal:5000/prom/prometheus:v3.16.0",
    );
  });
});

describe("bad input: one message per problem, naming key, value and what is allowed", () => {
  test("wrong type", () => {
    expect(problemsOf({ environment: "dev", sampling: { ratio: "half" } })).toEqual([
      'observability-stack:sampling.ratio = "half": must be a number',
    ]);
  });

  test("unknown key, with the keys allowed there", () => {
    expect(problemsOf({ environment: "dev", components: { promethues: {} } })).toEqual([
      "observability-stack:components.promethues: unknown key; allowed here: prometheus, alertmanager, grafana, loki, jaeger, otelCollector, nodeExporter, cadvisor, kubeStateMetrics",
    ]);
  });

  test("sampling outside 0..1", () => {
    expect(problemsOf({ environment: "dev", sampling: { ratio: 1.5 } })).toEqual([
      "observability-stack:sampling.ratio = 1.5: must be at most 1",
    ]);
    expect(problemsOf({ environment: "dev", sampling: { ratio: -0.1 } })).toEqual([
      "observability-stack:sampling.ratio = -0.1: must be at least 0",
    ]);
  });

  test.each(["-3d", "forever", "0d", ""])("retention %p is rejected", (value) => {
    expect(problemsOf({ environment: "dev", retention: { logs: value } })).toEqual([
      `observability-stack:retention.logs = ${JSON.stringify(value)}: must be a positive duration such as 30s, 12h, 7d or 1h30m`,
    ]);
  });

  test.each(["ops_center", "ops:center_", "ops-center_", "_ops_", ""])(
    "applicationMetrics.prefix %p is rejected",
    (value) => {
      expect(problemsOf({ environment: "dev", applicationMetrics: { prefix: value } })).toEqual([
        `observability-stack:applicationMetrics.prefix = ${JSON.stringify(value)}: must be a metric name prefix: letters, digits and _, starting with a letter and ending in _ (such as ops_center_)`,
      ]);
    },
  );

  test("applicationMetrics.prefix reaches the settings; none by default", () => {
    const settings = settingsFrom({
      environment: "dev",
      applicationMetrics: { prefix: "ops_center_" },
    });
    expect(settings.applicationMetrics).toEqual({ prefix: "ops_center_" });
    expect(settingsFrom({ environment: "dev" }).applicationMetrics).toEqual({ prefix: "" });
  });

  test("unknown target and environment", () => {
    expect(problemsOf({ environment: "qa", target: "nomad" })).toEqual([
      'observability-stack:environment = "qa": must be one of "dev", "staging", "prod"',
      'observability-stack:target = "nomad": must be one of "docker", "kubernetes"',
    ]);
  });

  test("memory that is not a quantity", () => {
    expect(
      problemsOf({
        environment: "dev",
        components: { loki: { resources: { limits: { memory: "lots" } } } },
      }),
    ).toEqual([
      'observability-stack:components.loki.resources.limits.memory = "lots": must be a quantity with a unit, such as 512Mi, 1Gi or 1.5G',
    ]);
  });

  test("a port used twice", () => {
    expect(
      problemsOf({ environment: "dev", components: { grafana: { ports: { http: 9090 } } } }),
    ).toEqual([
      "observability-stack:components.grafana.ports.http = 9090: already used by observability-stack:components.prometheus.ports.http; each published port must be unique",
    ]);
  });

  test("node-exporter's port on the host's network is a port of the host on Docker", () => {
    expect(
      problemsOf({ environment: "dev", components: { nodeExporter: { ports: { http: 9090 } } } }),
    ).toEqual([
      "observability-stack:components.nodeExporter.ports.http = 9090: already used by observability-stack:components.prometheus.ports.http; each published port must be unique",
    ]);
    // A Kubernetes node does not carry the stack's Service ports.
    const staging = settingsFrom({
      environment: "staging",
      components: { nodeExporter: { ports: { http: 9090 } } },
    });
    expect(staging.components.nodeExporter.ports.http).toBe(9090);
  });

  test("an image tag of latest", () => {
    expect(
      problemsOf({ environment: "dev", components: { loki: { image: { tag: "latest" } } } }),
    ).toEqual([
      'observability-stack:components.loki.image.tag = "latest": must be a pinned version, not latest (in any letter case): latest changes under a running stack',
    ]);
  });

  test("several problems are all reported at once", () => {
    const problems = problemsOf({
      environment: "dev",
      sampling: { ratio: 2 },
      retention: { traces: "-1d" },
      bogus: 1,
    });
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(
      /sampling\.ratio[\s\S]*retention\.traces[\s\S]*bogus: unknown key/,
    );
  });

  test("limits over the environment's budget say by how much and which components", () => {
    const [problem] = problemsOf({
      environment: "dev",
      components: { prometheus: { resources: { limits: { memory: "1Gi" } } } },
    });
    expect(problem).toBe(
      "observability-stack:components.*.resources.limits: memory limits sum to 1.97 GiB, 0.47 GiB over dev's budget of 1.50 GiB; by component: prometheus 1.00 GiB, loki 256 MiB, grafana 192 MiB, jaeger 160 MiB, otelCollector 160 MiB, cadvisor 96 MiB, alertmanager 64 MiB, nodeExporter 64 MiB",
    );
  });

  test("CPU over budget is reported apart from memory", () => {
    const problems = problemsOf({
      environment: "staging",
      components: { loki: { resources: { limits: { cpu: "2" } } } },
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^observability-stack:components\.\*\.resources\.limits: CPU limits sum to 4400m, 1400m over staging's budget of 3; by component: loki 2 CPU/,
      ),
    ]);
  });

  test("prod below its minimum", () => {
    const problems = problemsOf({
      environment: "prod",
      components: { prometheus: { resources: { limits: { memory: "512Mi" } } } },
    });
    expect(problems).toEqual([expect.stringContaining("under prod's minimum of 4.00 GiB")]);
  });

  test("disabling components frees their budget", () => {
    expect(() =>
      settingsFrom({
        environment: "dev",
        components: {
          prometheus: { resources: { limits: { memory: "512Mi" } } },
          cadvisor: { enabled: false },
        },
      }),
    ).not.toThrow();
  });

  test("requests above limits", () => {
    expect(
      problemsOf({
        environment: "prod",
        components: { loki: { resources: { requests: { cpu: "2" } } } },
      }),
    ).toEqual([
      'observability-stack:components.loki.resources.requests.cpu = "2": must not exceed the CPU limit 1 (prod\'s preset); lower the request, or raise components.loki.resources.limits.cpu with it',
    ]);
  });

  test("replicas of a component that cannot scale out, with the reason", () => {
    expect(
      problemsOf({ environment: "prod", components: { prometheus: { replicas: 2 } } }),
    ).toEqual([
      expect.stringMatching(
        /^observability-stack:components\.prometheus\.replicas = 2: must be 1: each replica would keep its own TSDB/,
      ),
    ]);
  });

  test("collector replicas while tail sampling is on", () => {
    expect(
      problemsOf({ environment: "prod", components: { otelCollector: { replicas: 2 } } }),
    ).toEqual([
      expect.stringContaining("tail sampling needs every span of a trace in one collector"),
    ]);
    expect(() =>
      settingsFrom({
        environment: "staging",
        components: {
          otelCollector: {
            replicas: 2,
            resources: {
              limits: { cpu: "200m", memory: "128Mi" },
              requests: { cpu: "100m", memory: "128Mi" },
            },
          },
        },
      }),
    ).not.toThrow();
  });

  test("a credential set in plain text", () => {
    expect(problemsOf({ environment: "dev", slackWebhookUrl: "https://hooks.example/x" })).toEqual([
      "observability-stack:slackWebhookUrl: is set in plain text; set it with `pulumi config set --secret slackWebhookUrl <value>`",
    ]);
  });

  test("an external Sentry without a DSN", () => {
    expect(problemsOf({ environment: "dev", sentry: { mode: "external" } })).toEqual([
      "observability-stack:sentryDsn = (unset): is required when sentry.mode is external; set it with `pulumi config set --secret sentryDsn <dsn>`",
    ]);
  });

  test("scrape jobs: bad targets, duplicate names and a component's own job name", () => {
    expect(
      problemsOf({
        environment: "dev",
        scrapeJobs: [
          { job: "api", targets: ["api:8000"] },
          { job: "api", targets: ["api-2:8000"] },
          { job: "loki", targets: ["x:1"] },
          { job: "web", targets: ["http://web:80"] },
        ],
      }),
    ).toEqual([
      'observability-stack:scrapeJobs.3.targets.0 = "http://web:80": must be host:port, such as api:8000 or 10.0.0.5:9100, or [IPv6]:port',
    ]);
    expect(
      problemsOf({
        environment: "dev",
        scrapeJobs: [
          { job: "api", targets: ["api:8000"] },
          { job: "api", targets: ["api-2:8000"] },
          { job: "loki", targets: ["x:1"] },
        ],
      }),
    ).toEqual([
      'observability-stack:scrapeJobs.1.job = "api": already names scrapeJobs[0]; choose another job name',
      'observability-stack:scrapeJobs.2.job = "loki": already names the Loki job; choose another job name',
    ]);
  });

  test("a disabled component's job name is free for a scrape job", () => {
    const settings = settingsFrom({
      environment: "dev",
      components: { cadvisor: { enabled: false } },
      scrapeJobs: [{ job: "cadvisor", targets: ["cadvisor-e2e:8080"] }],
    });
    expect(settings.scrapeJobs.map((job) => job.job)).toEqual(["cadvisor"]);
    expect(
      problemsOf({ environment: "dev", scrapeJobs: [{ job: "cadvisor", targets: ["x:1"] }] }),
    ).toEqual([
      'observability-stack:scrapeJobs.0.job = "cadvisor": already names the cAdvisor job; choose another job name',
    ]);
  });

  test("a stand-in: only for Loki, only the collector, and not with an image of its own", () => {
    expect(
      problemsOf({
        environment: "dev",
        components: { jaeger: { standIn: "collector" }, loki: { standIn: "promtail" } },
      }),
    ).toEqual([
      'observability-stack:components.loki.standIn = "promtail": must be one of "collector"',
      "observability-stack:components.jaeger.standIn: unknown key; allowed here: enabled, image, replicas, resources, ports, storage, maximums, securityContext",
    ]);
    expect(
      problemsOf({
        environment: "dev",
        components: { loki: { standIn: "collector", image: { tag: "3.7.8" } } },
      }),
    ).toEqual([
      'observability-stack:components.loki.image = {"tag":"3.7.8"}: is not used while components.loki.standIn is collector (the stand-in runs the collector\'s image, components.otelCollector.image): remove one of the two',
    ]);
    const settings = settingsFrom({
      environment: "dev",
      imageRegistry: "mirror.local",
      components: { loki: { standIn: "collector" } },
    });
    expect(settings.components.loki.image).toBe(settings.components.otelCollector.image);
    expect(settings.components.loki.image).toMatch(
      /^mirror\.local\/otel\/opentelemetry-collector-contrib:/,
    );
  });

  test("the error names the stack and says nothing was created", () => {
    expect(() => settingsFrom({ environment: "dev", sampling: { ratio: 3 } })).toThrow(
      /^Stack "test" has 1 config problem; nothing was created:\n {2}- observability-stack:sampling\.ratio/,
    );
  });
});

describe("kube-state-metrics runs on the Kubernetes target only", () => {
  test("on by default on Kubernetes, off on Docker", () => {
    expect(stackSettings("staging").components.kubeStateMetrics.enabled).toBe(true);
    expect(stackSettings("prod").components.kubeStateMetrics.enabled).toBe(true);
    expect(stackSettings("dev").components.kubeStateMetrics.enabled).toBe(false);
    expect(
      settingsFrom({ environment: "staging", components: { kubeStateMetrics: { enabled: false } } })
        .components.kubeStateMetrics.enabled,
    ).toBe(false);
  });

  test("config for it on Docker is refused, naming the component, the value and why", () => {
    expect(
      problemsOf({ environment: "dev", components: { kubeStateMetrics: { enabled: true } } }),
    ).toEqual([
      'observability-stack:components.kubeStateMetrics = {"enabled":true}: has no effect on the docker target (observability-stack:target is docker): kube-state-metrics runs only on target kubernetes, since it reports the objects of a Kubernetes cluster, read from its API; remove the key',
    ]);
    expect(
      problemsOf({
        environment: "staging",
        target: "docker",
        components: { kubeStateMetrics: { resources: { limits: { memory: "128Mi" } } } },
      }),
    ).toHaveLength(1);
  });

  test("staging keeps its 2.5 GiB memory budget with it", () => {
    const limits = Object.values(stackSettings("staging").components)
      .filter((component) => component.enabled)
      .map((component) => component.resources.limits.memory);
    const mebibytes = limits.map((text) =>
      text.endsWith("Gi") ? parseFloat(text) * 1024 : parseFloat(text),
    );
    expect(mebibytes.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual(2560);
  });
});
