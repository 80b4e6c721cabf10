import * as http from "http";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { Settings } from "../../config/settings";
import { renderDatasources } from "../../components/grafana/config";
import { renderPrometheusConfig } from "../../components/prometheus/config";
import { renderStack } from "../../components/render";
import { ErrorTracking } from "../../components/sentry";
import { SENTRY_ERRORS_ONLY_MINIMUM } from "../../components/sentry/budget";
import { MODE_SERVICES } from "../../components/sentry/definition";
import { trackerPlan } from "../../components/sentry/plan";
import { ensureProject, Inputs } from "../../components/sentry/project";
import { JobSpec, ServiceId, ServiceSpec } from "../../components/spec";
import { ObservabilityStack } from "../../components/stack";
import { DeployOptions, Platform } from "../../components/platforms/platform";
import { promiseOf, recordResources, RecordedResource, settle } from "../support/mocks";
import { STACKS, problemsOf, settingsFrom, stackSettings } from "../support/settings";

const resources = recordResources("observability-stack", "unit");
const ofType = (list: RecordedResource[], type: string) => list.filter((r) => r.type === type);
const DYNAMIC = "pulumi-nodejs:dynamic/observability-stack:TrackerProject";

async function build(settings: Settings) {
  resources.length = 0;
  const stack = new ObservabilityStack("observability", {
    settings,
    configSecret: (key) => pulumi.secret(`value-of-${key}`),
  });
  await settle();
  return { stack, list: [...resources] };
}

const unwrapSecret = (value: any) =>
  value?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig ? value.value : value;
/** A container's env: the engine gets the whole list as one secret when any entry is secret. */
const envsOf = (inputs: any): string[] => unwrapSecret(inputs.envs);

describe("sentry.mode: each mode on each target it allows", () => {
  test.each([
    ["dev", "docker", "bugsink"],
    ["staging", "kubernetes", "bugsink"],
    ["prod", "kubernetes", "self-hosted"],
  ])("%s defaults to %s with %s", (environment, target, mode) => {
    const settings = settingsFrom({ environment });
    expect([settings.target, settings.sentry.mode]).toEqual([target, mode]);
  });

  test.each([
    ["dev", "docker", "bugsink"],
    ["dev", "kubernetes", "bugsink"],
    ["prod", "kubernetes", "bugsink"],
    ["staging", "kubernetes", "self-hosted"],
    ["prod", "kubernetes", "self-hosted"],
    ["dev", "docker", "disabled"],
    ["prod", "kubernetes", "disabled"],
  ])("%s on %s accepts %s", (environment, target, mode) => {
    expect(settingsFrom({ environment, target, sentry: { mode } }).sentry.mode).toBe(mode);
  });

  test.each([
    ["dev", "docker"],
    ["prod", "kubernetes"],
  ])("%s on %s accepts external with the sentryDsn secret", (environment, target) => {
    const settings = settingsFrom(
      {
        environment,
        target,
        sentry: { mode: "external" },
        sentryDsn: "https://k@o1.ingest.example/1",
      },
      ["sentryDsn"],
    );
    expect(settings.sentry).toEqual({
      mode: "external",
      dsn: { secret: "sentryDsn" },
      url: undefined,
    });
  });

  test("URLs: the published port on Docker, the Service in the cluster, or sentry.url", () => {
    expect((settingsFrom({ environment: "dev" }).sentry as any).url).toBe("http://127.0.0.1:9000");
    expect(
      (settingsFrom({ environment: "dev", docker: { bindAddress: "0.0.0.0" } }).sentry as any).url,
    ).toBe("http://127.0.0.1:9000");
    expect((settingsFrom({ environment: "staging" }).sentry as any).url).toBe(
      "http://bugsink.observability.svc:8000",
    );
    expect((settingsFrom({ environment: "prod" }).sentry as any).url).toBe(
      "http://sentry-web.observability.svc:9000",
    );
    expect(
      (
        settingsFrom({ environment: "prod", sentry: { url: "https://errors.example.com/" } })
          .sentry as any
      ).url,
    ).toBe("https://errors.example.com");
  });

  test("images are pinned in versions.json and overridable; imageRegistry applies", () => {
    const settings = settingsFrom({
      environment: "dev",
      imageRegistry: "mirror.internal:5000",
      sentry: { services: { bugsink: { image: { tag: "2.6.2" }, ports: { http: 19000 } } } },
    }) as any;
    const [bugsink, probe] = settings.sentry.services;
    expect(bugsink.image).toBe("mirror.internal:5000/bugsink/bugsink:2.6.2");
    expect(bugsink.ports).toEqual({ http: 19000 });
    expect(probe.image).toBe("mirror.internal:5000/prom/blackbox-exporter:v0.28.0");
    for (const service of (settingsFrom({ environment: "prod" }).sentry as any).services) {
      expect(service.image).toMatch(/:[^:]+$/);
      expect(service.image).not.toMatch(/:latest$/);
    }
  });
});

describe("sentry: bad combinations are refused, naming key, value and what to do", () => {
  test("self-hosted on Docker says why and what to use instead", () => {
    expect(problemsOf({ environment: "dev", sentry: { mode: "self-hosted" } })).toEqual([
      'observability-stack:sentry.mode = "self-hosted": runs only on Kubernetes: Sentry\'s errors-only set is 15 services (PostgreSQL, Kafka, ClickHouse, Snuba, Relay, ...) that Sentry will not run on less than 7000 MiB and 2 CPUs; on Docker use "bugsink" (one container that speaks Sentry\'s protocol: the same SDKs and DSNs) or "external"',
    ]);
  });

  test("a budget below Sentry's errors-only minimum is refused with that figure", () => {
    const small = { resources: { limits: { memory: "256Mi", cpu: "100m" } } };
    const services = Object.fromEntries(MODE_SERVICES["self-hosted"].map((id) => [id, small]));
    const problems = problemsOf({ environment: "prod", sentry: { services } });
    expect(problems).toEqual([
      expect.stringMatching(
        /^observability-stack:sentry\.services\.\*\.resources\.limits: memory limits sum to 3\.75 GiB, 3\.09 GiB under Sentry's errors-only minimum \(getsentry\/self-hosted install\/_min-requirements\.sh, errors-only\) of 7000Mi \(6\.84 GiB\); by service: /,
      ),
      expect.stringMatching(
        /^observability-stack:sentry\.services\.\*\.resources\.limits: CPU limits sum to 1500m, 500m under Sentry's errors-only minimum .* of 2 CPUs; by service: /,
      ),
    ]);
    expect(SENTRY_ERRORS_ONLY_MINIMUM).toMatchObject({ memory: "7000Mi", cpu: "2" });
  });

  test("lowering one service keeps the preset above the minimum: accepted", () => {
    expect(() =>
      settingsFrom({
        environment: "prod",
        sentry: { services: { web: { resources: { limits: { memory: "1Gi" } } } } },
      }),
    ).not.toThrow();
  });

  test("external without a DSN", () => {
    expect(problemsOf({ environment: "prod", sentry: { mode: "external" } })).toEqual([
      "observability-stack:sentryDsn = (unset): is required when sentry.mode is external; set it with `pulumi config set --secret sentryDsn <dsn>`",
    ]);
  });

  test("unknown modes and services, and overrides of services the mode does not run", () => {
    expect(problemsOf({ environment: "dev", sentry: { mode: "glitchtip" } })).toEqual([
      'observability-stack:sentry.mode = "glitchtip": must be one of "self-hosted", "bugsink", "external", "disabled"',
    ]);
    expect(
      problemsOf({ environment: "dev", sentry: { services: { web: { storage: "1Gi" } } } }),
    ).toEqual([
      'observability-stack:sentry.services.web: not a service of sentry.mode "bugsink"; its services: bugsink, probe',
    ]);
    expect(
      problemsOf({
        environment: "dev",
        sentry: { mode: "disabled", services: { bugsink: { storage: "1Gi" } } },
      }),
    ).toEqual([
      'observability-stack:sentry.services.bugsink: sentry.mode "disabled" runs no services of its own; remove the key',
    ]);
  });

  test("requests above limits, a taken port, a bad URL", () => {
    expect(
      problemsOf({
        environment: "dev",
        sentry: {
          url: "ftp://errors",
          services: { bugsink: { resources: { requests: { cpu: "2" } }, ports: { http: 9090 } } },
        },
      }),
    ).toEqual([
      'observability-stack:sentry.url = "ftp://errors": must be an http(s) URL such as https://errors.example.com',
    ]);
    expect(
      problemsOf({
        environment: "dev",
        sentry: {
          services: { bugsink: { resources: { requests: { cpu: "2" } }, ports: { http: 9090 } } },
        },
      }),
    ).toEqual([
      "observability-stack:sentry.services.bugsink.ports.http = 9090: already used by observability-stack:components.prometheus.ports.http; each published port must be unique",
      'observability-stack:sentry.services.bugsink.resources.requests.cpu = "2": must not exceed the CPU limit 500m (dev\'s preset); lower the request, or raise sentry.services.bugsink.resources.limits.cpu with it',
      'observability-stack:sentry.services.bugsink.resources.requests.cpu = "2": has no effect on the Docker target (observability-stack:target is docker): Docker applies only limits (resources.limits.cpu); remove the key',
    ]);
  });

  test("the probe's job name is taken", () => {
    expect(
      problemsOf({ environment: "dev", scrapeJobs: [{ job: "error-tracker", targets: ["x:1"] }] }),
    ).toEqual([
      'observability-stack:scrapeJobs.0.job = "error-tracker": already names the error tracker\'s probe job; choose another job name',
    ]);
  });
});

describe("bugsink on Docker (dev, mocked engine)", () => {
  let list: RecordedResource[];
  let stack: ObservabilityStack;
  beforeAll(async () => {
    ({ list, stack } = await build(stackSettings("dev")));
  });
  const container = (name: string) =>
    ofType(list, "docker:index/container:Container").find((c) => c.name === name)!.inputs as any;

  test("Bugsink runs with its data on a volume, its settings in env, credentials as secrets", async () => {
    const bugsink = container("bugsink");
    expect(bugsink.image).toBe("bugsink/bugsink:2.6.1");
    expect(bugsink.volumes).toEqual([{ volumeName: expect.anything(), containerPath: "/data" }]);
    expect(bugsink.ports).toEqual([
      { internal: 8000, external: 9000, ip: "127.0.0.1", protocol: "tcp" },
    ]);
    expect(bugsink.command[0]).toBe("/bin/sh");
    expect(bugsink.command[2]).toContain("AuthToken.create_full_access");
    expect(bugsink.command[2]).not.toContain("--access-logfile - bugsink");
    // SECRET_KEY, CREATE_SUPERUSER and BUGSINK_API_TOKEN make the whole list a secret.
    expect(unwrapSecret(bugsink.envs)).not.toBe(bugsink.envs);
    const envs = envsOf(bugsink);
    expect(envs).toEqual(
      expect.arrayContaining(["BASE_URL=http://127.0.0.1:9000", "PHONEHOME=false", "PORT=8000"]),
    );
    expect(envs.map((env) => env.split("=")[0])).toEqual(
      expect.arrayContaining(["SECRET_KEY", "CREATE_SUPERUSER", "BUGSINK_API_TOKEN"]),
    );
  });

  test("the probe checks Bugsink's health endpoint; Prometheus scrapes the probe", () => {
    const probe = container("error-tracker-probe");
    expect(probe.image).toBe("prom/blackbox-exporter:v0.28.0");
    const prometheus = ofType(list, "docker:index/container:Container").find(
      (c) => c.name === "prometheus",
    )!.inputs as any;
    const config = (prometheus.uploads as any[]).find((u) =>
      u.file.endsWith("prometheus.yml"),
    ).content;
    expect(config).toContain("job_name: error-tracker");
    expect(config).toContain("- http://bugsink:8000/health/ready");
    expect(config).toContain("replacement: error-tracker-probe:9115");
  });

  test("the project is created through Bugsink's API by the dynamic provider; its DSN is a secret", async () => {
    const [project] = ofType(list, DYNAMIC);
    expect(project.name).toBe("project");
    expect(project.inputs).toMatchObject({
      kind: "bugsink",
      apiUrl: "http://127.0.0.1:9000",
      team: "observability-stack",
      project: "services",
      timeoutSeconds: 300,
    });
    expect(unwrapSecret(project.inputs.token)).toBe("00".repeat(20));
    expect(project.inputs.token).not.toBe("00".repeat(20));
    expect(await (stack.errorTracking.dsn as any).isSecret).toBe(true);
    expect(await promiseOf(stack.errorTracking.dsn!)).toBe("http://mock-key@tracker.mock/1");
  });

  test("the DSN reaches the collector as a secret env, never as plain text", async () => {
    const collector = container("otel-collector");
    expect(unwrapSecret(collector.envs)).not.toBe(collector.envs);
    expect(envsOf(collector)).toContain("SENTRY_DSN=http://mock-key@tracker.mock/1");
  });

  test("admin password and secret key come from @pulumi/random; the admin password is a secret output", async () => {
    const passwords = ofType(list, "random:index/randomPassword:RandomPassword").map((r) => r.name);
    expect(passwords).toEqual(
      expect.arrayContaining(["bugsink-admin-password", "bugsink-secret-key"]),
    );
    expect(ofType(list, "random:index/randomId:RandomId").map((r) => r.name)).toEqual([
      "bugsink-api-token",
    ]);
    expect(await (stack.errorTracking.adminPassword as any).isSecret).toBe(true);
  });
});

describe("bugsink on Kubernetes (staging, mocked engine)", () => {
  let list: RecordedResource[];
  beforeAll(async () => {
    ({ list } = await build(stackSettings("staging")));
  });

  test("a StatefulSet with a PVC, probes, and its credentials in a Secret", () => {
    const set = list.find(
      (r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name === "bugsink",
    )!.inputs as any;
    expect(set.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("5Gi");
    const [container] = set.spec.template.spec.containers;
    expect(container.readinessProbe.httpGet).toEqual({ path: "/health/ready", port: 8000 });
    expect(container.resources.limits).toEqual({ cpu: "500m", memory: "512Mi" });
    const secret = list.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "bugsink-secret",
    )!;
    expect(Object.keys(unwrapSecret((secret.inputs as any).stringData)).sort()).toEqual([
      "BUGSINK_API_TOKEN",
      "CREATE_SUPERUSER",
      "SECRET_KEY",
    ]);
  });

  test("the collector's Secret holds the project's DSN", () => {
    const secret = list.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === "otel-collector-secret",
    )!;
    expect(unwrapSecret((secret.inputs as any).stringData)).toEqual({
      SENTRY_DSN: "http://mock-key@tracker.mock/1",
    });
  });

  test("NetworkPolicies: Bugsink's port from anywhere (SDKs); the probe only from Prometheus", () => {
    const policy = (name: string) =>
      list.find(
        (r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name === name,
      )!.inputs as any;
    expect(policy("bugsink-ingress").spec.ingress).toContainEqual({
      ports: [{ protocol: "TCP", port: 8000 }],
    });
    expect(policy("error-tracker-probe-ingress").spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchExpressions: [
                { key: "app.kubernetes.io/name", operator: "In", values: ["prometheus"] },
              ],
              matchLabels: { "app.kubernetes.io/instance": "staging" },
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 9115 }],
      },
    ]);
  });
});

describe("self-hosted Sentry on Kubernetes (prod, mocked engine)", () => {
  let list: RecordedResource[];
  let stack: ObservabilityStack;
  beforeAll(async () => {
    ({ list, stack } = await build(stackSettings("prod")));
  });
  const workload = (name: string) =>
    list.find(
      (r) =>
        ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type) &&
        r.name === name,
    )?.inputs as any;

  test("the errors-only set: every service, PVCs for the stateful ones, requests and limits", () => {
    const names = [
      "sentry-postgres",
      "sentry-redis",
      "sentry-memcached",
      "sentry-kafka",
      "sentry-clickhouse",
      "snuba-api",
      "snuba-errors-consumer",
      "snuba-replacer",
      "sentry-web",
      "sentry-worker",
      "sentry-cron",
      "sentry-ingest-consumer",
      "sentry-post-process-forwarder",
      "sentry-relay",
      "error-tracker-probe",
    ];
    for (const name of names) {
      const spec = workload(name);
      expect([name, spec !== undefined]).toEqual([name, true]);
      const [container] = spec.spec.template.spec.containers;
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      expect(spec.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    const claims = Object.fromEntries(
      ["sentry-postgres", "sentry-redis", "sentry-kafka", "sentry-clickhouse"].map((name) => [
        name,
        workload(name).spec.volumeClaimTemplates[0].spec.resources.requests.storage,
      ]),
    );
    expect(claims).toEqual({
      "sentry-postgres": "20Gi",
      "sentry-redis": "1Gi",
      "sentry-kafka": "10Gi",
      "sentry-clickhouse": "50Gi",
    });
    // Kafka in KRaft mode: no ZooKeeper anywhere.
    expect(list.some((r) => r.name.includes("zookeeper"))).toBe(false);
    const kafkaEnv = workload("sentry-kafka").spec.template.spec.containers[0].env;
    expect(kafkaEnv).toContainEqual({ name: "KAFKA_PROCESS_ROLES", value: "broker,controller" });
  });

  test("migration jobs: snuba bootstrap, then `sentry upgrade --noinput`", () => {
    const jobs = ofType(list, "kubernetes:batch/v1:Job");
    expect(jobs.map((job) => job.name).sort()).toEqual(["sentry-upgrade", "snuba-bootstrap"]);
    const upgrade = jobs.find((job) => job.name === "sentry-upgrade")!.inputs as any;
    expect(upgrade.spec.template.spec.containers[0].args[2]).toMatch(
      /^sentry upgrade --noinput && /,
    );
    expect(upgrade.spec.template.spec.restartPolicy).toBe("OnFailure");
  });

  test("secret key and admin password from @pulumi/random, exported as secrets", async () => {
    const names = ofType(list, "random:index/randomPassword:RandomPassword").map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["sentry-secret-key", "sentry-admin-password"]));
    expect(await (stack.errorTracking.adminPassword as any).isSecret).toBe(true);
    expect(await (stack.errorTracking.dsn as any).isSecret).toBe(true);
  });

  test("the project's DSN is rewritten to Relay's address, where SDKs send events", () => {
    const [project] = ofType(list, DYNAMIC);
    expect(project.inputs).toMatchObject({
      kind: "sentry",
      organization: "sentry",
      dsnOrigin: "http://sentry-relay.observability.svc:3000",
    });
  });
});

describe("what waits for what: web and the workers start after the migration job", () => {
  class Recorded extends pulumi.CustomResource {
    constructor(name: string) {
      super("test:index:Recorded", name, {});
    }
  }

  /** A platform that records each deployment and the resources it was told to wait for. */
  class RecordingPlatform implements Platform {
    readonly order: string[] = [];
    readonly waits = new Map<string, string[]>();
    private readonly names = new Map<pulumi.Resource, string>();

    private record(name: string, options: DeployOptions = {}) {
      this.order.push(name);
      this.waits.set(
        name,
        (options.dependsOn ?? []).map((resource) => this.names.get(resource)!),
      );
      const resource = new Recorded(name);
      this.names.set(resource, name);
      return resource;
    }

    deploy(spec: ServiceSpec<ServiceId>, _s: unknown, _p: unknown, options?: DeployOptions) {
      return { endpoints: {}, workload: this.record(spec.name, options) };
    }

    runJob(job: JobSpec, _s: unknown, _p: unknown, options?: DeployOptions) {
      return this.record(job.name, options);
    }
  }

  test("datastores, snuba bootstrap, Snuba, sentry upgrade, Sentry, Relay", async () => {
    const platform = new RecordingPlatform();
    new ErrorTracking("error-tracking", {
      settings: stackSettings("prod"),
      platform,
      secrets: (ref) => pulumi.secret(`value-of-${ref.secret}`),
    });
    await settle();
    const before = (a: string, b: string) =>
      expect([a, b, platform.order.indexOf(a) < platform.order.indexOf(b)]).toEqual([a, b, true]);
    before("sentry-clickhouse", "snuba-bootstrap");
    before("snuba-bootstrap", "snuba-api");
    before("sentry-upgrade", "sentry-web");
    before("sentry-web", "sentry-relay");
    expect(platform.waits.get("snuba-bootstrap")).toEqual([
      "sentry-clickhouse",
      "sentry-kafka",
      "sentry-redis",
    ]);
    for (const app of ["sentry-web", "sentry-worker", "sentry-cron", "sentry-ingest-consumer"]) {
      expect(platform.waits.get(app)).toEqual(["sentry-upgrade"]);
    }
    expect(platform.waits.get("sentry-upgrade")).toEqual(
      expect.arrayContaining(["sentry-postgres", "sentry-kafka", "snuba-api"]),
    );
  });
});

describe("external and disabled", () => {
  test("external: the sentryDsn secret reaches the collector; nothing is deployed for it", async () => {
    const { list } = await build(
      settingsFrom(
        {
          environment: "dev",
          sentry: { mode: "external", url: "https://acme.sentry.io" },
          sentryDsn: "x",
        },
        ["sentryDsn"],
      ),
    );
    expect(ofType(list, DYNAMIC)).toEqual([]);
    expect(list.some((r) => r.name === "bugsink")).toBe(false);
    const collector = list.find((r) => r.name === "otel-collector" && r.type.endsWith("Container"))!
      .inputs as any;
    expect(envsOf(collector)).toContain("SENTRY_DSN=value-of-sentryDsn");
  });

  test("disabled: no tracker, no DSN anywhere", async () => {
    const { list, stack } = await build(
      settingsFrom({ environment: "dev", sentry: { mode: "disabled" } }),
    );
    expect(stack.errorTracking.dsn).toBeUndefined();
    expect(JSON.stringify(list.map((r) => r.inputs))).not.toContain("SENTRY_DSN");
  });
});

describe("the tracker in configs: Prometheus, Grafana, rendered files", () => {
  test("Grafana links a log line's correlation ID to the tracker's issue search", () => {
    const link = (settings: Settings) =>
      (
        renderDatasources(settings).datasources.find((d) => d.uid === "loki")!.jsonData as any
      ).derivedFields.find((field: { name: string }) => field.name === "Errors");
    expect(link(stackSettings("dev"))).toEqual({
      name: "Errors",
      matcherType: "label",
      matcherRegex: "correlation_id",
      url: "http://127.0.0.1:9000/issues/1/?q=correlation_id%3A${__value.raw}",
      urlDisplayLabel: "Errors in Bugsink",
    });
    expect(link(stackSettings("prod")).url).toBe(
      "http://sentry-web.observability.svc:9000/organizations/sentry/issues/?query=correlation_id%3A${__value.raw}",
    );
    expect(
      link(
        settingsFrom(
          {
            environment: "dev",
            sentry: { mode: "external", url: "https://acme.sentry.io" },
            sentryDsn: "x",
          },
          ["sentryDsn"],
        ),
      ).url,
    ).toBe("https://acme.sentry.io/issues/?query=correlation_id%3A${__value.raw}");
    expect(
      link(settingsFrom({ environment: "dev", sentry: { mode: "disabled" } })),
    ).toBeUndefined();
  });

  test("Prometheus probes every HTTP health endpoint of self-hosted Sentry", () => {
    const config = renderPrometheusConfig(stackSettings("prod"), []) as any;
    const job = config.scrape_configs.find(
      (c: { job_name: string }) => c.job_name === "error-tracker",
    );
    expect(job.static_configs.map((c: { targets: string[] }) => c.targets[0])).toEqual([
      "http://sentry-clickhouse:8123/ping",
      "http://snuba-api:1218/health",
      "http://sentry-web:9000/_health/",
      "http://sentry-relay:3000/api/relay/healthcheck/ready/",
    ]);
  });

  test.each(STACKS)("%s renders its tracker's documents, secrets as placeholders", (stack) => {
    const settings = stackSettings(stack);
    const files = new Map(renderStack(settings).map((file) => [file.path, file.content]));
    const dir = settings.sentry.mode === "bugsink" ? "bugsink" : "sentry";
    const plan = trackerPlan(settings)!;
    for (const spec of plan.services) expect(files.has(`${dir}/${spec.name}.yaml`)).toBe(true);
    for (const job of plan.jobs) expect(files.has(`${dir}/jobs/${job.name}.yaml`)).toBe(true);
    const project = yaml.load(files.get(`${dir}/project.yaml`)!) as Record<string, unknown>;
    expect(project.dsn).toBe("<secret:sentryProjectDsn>");
    const manifest = JSON.parse(files.get("manifest.json")!);
    expect(manifest.errorTracking).toMatchObject({
      mode: settings.sentry.mode,
      dsn: "<secret:sentryProjectDsn>",
    });
    expect(manifest.components.otelCollector.secretEnv).toEqual({
      SENTRY_DSN: "<secret:sentryProjectDsn>",
    });
    const everything = [...files.values()].join("\n");
    expect(everything).not.toMatch(/value-of-|mock-key/);
  });

  test("self-hosted's rendered Sentry service names its image, args, secrets and what it waits for", () => {
    const files = new Map(
      renderStack(stackSettings("prod")).map((file) => [file.path, file.content]),
    );
    const web = yaml.load(files.get("sentry/sentry-web.yaml")!) as any;
    expect(web).toMatchObject({
      kind: "Service",
      image: "getsentry/sentry:25.10.0",
      args: ["run", "web"],
      secretEnv: { SENTRY_SECRET_KEY: "<secret:sentrySecretKey>" },
      waitsFor: ["sentry-upgrade"],
    });
    expect(files.get("sentry/config/sentry.conf.py")).toContain('"HOST": "sentry-postgres"');
    const manifest = JSON.parse(files.get("manifest.json")!);
    expect(manifest.errorTracking.budget).toEqual({
      memory: { used: "8.91 GiB", min: "7000Mi" },
      cpu: { used: "6150m", min: "2" },
    });
  });
});

describe("the project provider against a fake Bugsink and a fake Sentry", () => {
  let server: http.Server;
  let url: string;
  const state = { ready: 2, teams: [] as any[], projects: [] as any[], calls: [] as string[] };
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        state.calls.push(`${request.method} ${request.url}`);
        const send = (status: number, json?: unknown) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(json === undefined ? "" : JSON.stringify(json));
        };
        if (request.headers.authorization !== "Bearer t0ken") return send(401);
        if (state.ready > 0) {
          state.ready--;
          return send(503);
        }
        const path = request.url!;
        if (path === "/api/canonical/0/teams/" && request.method === "GET")
          return send(200, { results: state.teams });
        if (path === "/api/canonical/0/teams/" && request.method === "POST") {
          const team = { id: "team-uuid", ...JSON.parse(body) };
          state.teams.push(team);
          return send(201, team);
        }
        if (path.startsWith("/api/canonical/0/projects/?team="))
          return send(200, { results: state.projects });
        if (path === "/api/canonical/0/projects/" && request.method === "POST") {
          const project = { id: 1, ...JSON.parse(body) };
          state.projects.push(project);
          return send(201, project);
        }
        if (path === "/api/canonical/0/projects/1/")
          return send(200, { id: 1, dsn: "http://abc@bugsink:8000/1" });
        if (path === "/api/0/organizations/sentry/") return send(200, { slug: "sentry" });
        if (path === "/api/0/organizations/sentry/projects/") return send(200, []);
        if (path === "/api/0/teams/sentry/sentry/projects/" && request.method === "POST")
          return send(201, { id: "2", slug: "services", name: "services" });
        if (path === "/api/0/projects/sentry/services/keys/")
          return send(200, [{ dsn: { public: "http://pub@sentry-web.example:9000/2" } }]);
        send(404);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const inputs = (overrides: Partial<Inputs> = {}): Inputs => ({
    kind: "bugsink",
    apiUrl: url,
    token: "t0ken",
    team: "observability-stack",
    project: "services",
    timeoutSeconds: 30,
    ...overrides,
  });

  test("waits for the API, creates team and project, returns the DSN; then finds them again", async () => {
    const first = await ensureProject(inputs());
    expect(first).toMatchObject({ projectId: "1", dsn: "http://abc@bugsink:8000/1" });
    expect(state.teams).toHaveLength(1);
    expect(state.projects).toHaveLength(1);
    const second = await ensureProject(inputs());
    expect(second.dsn).toBe(first.dsn);
    expect(state.projects).toHaveLength(1);
  }, 20_000);

  test("Sentry: creates the project in the team and points the DSN at Relay", async () => {
    const result = await ensureProject(
      inputs({
        kind: "sentry",
        team: "sentry",
        organization: "sentry",
        dsnOrigin: "http://sentry-relay.obs.svc:3000",
      }),
    );
    expect(result).toMatchObject({ projectId: "2", dsn: "http://pub@sentry-relay.obs.svc:3000/2" });
  });

  test("a tracker that never answers fails with what to set, without the token", async () => {
    await expect(
      ensureProject(inputs({ apiUrl: "http://127.0.0.1:9", timeoutSeconds: 1 })),
    ).rejects.toThrow(
      /^bugsink did not answer its API at http:\/\/127\.0\.0\.1:9 within 1 s \(.*\); when `pulumi up` runs outside the cluster, set observability-stack:sentry\.url/,
    );
    await expect(ensureProject(inputs({ token: "wrong", timeoutSeconds: 1 }))).rejects.toThrow(
      /HTTP 401/,
    );
  }, 20_000);
});
