import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as path from "path";
import { cadvisorSpec } from "../../components/cadvisor/spec";
import { ComponentId } from "../../components/definition";
import { memoryMiB } from "../../components/platforms/docker";
import { REDACTION_MASK } from "../../components/otel-collector/redaction";
import { docker, stackObjects } from "../support/docker";
import { containerName, lokiStandInRecords, waitHealthy } from "../support/e2e";
import { eventually, getJson } from "../support/http";
import { TestStack } from "../support/pulumi";
import { PROJECT_DIR, stackSettings } from "../support/settings";
import { loadSettings } from "../../config/load";
import { readStackFile } from "../../config/stack-file";
import { jobOf } from "../../rules/packs/lib";
import {
  formatReport,
  judgeMetrics,
  judgePanels,
  judgePint,
  judgeRuleGroups,
  Report,
} from "../support/judgement";
import { sendTelemetry } from "./demo-activity";
import { DemoService, startDemoService } from "./demo-service";

/**
 * The telemetry pipeline of the e2e stack, end to end on the real engines: OTLP traces
 * through the collector into Jaeger, and logs to Loki's stand-in (a second collector: Loki
 * is not built here), sampling and redaction applied; an
 * application service scraped by Prometheus whose errors fire an alert into Alertmanager,
 * and cAdvisor's metrics of the stack's own containers; then the live judgement of what the
 * stack deployed (test/support/judgement.ts): every metric its rules and panels read is in
 * Prometheus from the job meant to expose it, every rule group evaluates, every panel has
 * data, and pint's online checks find nothing unexplained. Steps run in order on one stack.
 */
const STACK = "e2e";
const LABEL = `obs-${STACK}`;
const settings = stackSettings(STACK);
const published = (id: ComponentId, port: string) =>
  `http://127.0.0.1:${settings.components[id].ports[port]}`;
const collectorHttp = published("otelCollector", "otlpHttp");
const jaegerUrl = published("jaeger", "ui");
const prometheusUrl = published("prometheus", "http");
const alertmanagerUrl = published("alertmanager", "http");
const deployedIds = Object.values(settings.components)
  .filter((c) => c.enabled)
  .map((c) => c.id);
const RUN = `${Date.now().toString(36)}${process.pid}`;
const DEMO_SERVICE = `demo-${RUN}`;
/** cAdvisor as the test runs it, beside the stack (not one of its objects). */
const CADVISOR = `${LABEL}-cadvisor-unprivileged`;

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const nowNanos = () => BigInt(Date.now()) * 1_000_000n;
const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
/** Jaeger's v1 API prints trace ids without leading zeros. */
const normalId = (id: string) => id.toLowerCase().replace(/^0+/, "");

async function post(url: string, body: unknown, isRetry = false): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    // The demo's telemetry keeps a connection to the collector open; once a `pulumi up` has
    // replaced the collector, the first request on it meets a closed socket. One retry.
    if (!isRetry) return post(url, body, true);
    throw error;
  }
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

/**
 * Sends traces of one service over OTLP/HTTP JSON, 20 per request: each a server span with
 * a child span, 5 ms long, with a `password` attribute the collector must redact.
 * Returns the trace ids.
 */
async function sendTraces(service: string, count: number, status: "ok" | "error") {
  const ids: string[] = [];
  for (let sent = 0; sent < count; sent += 20) {
    const spans = [];
    for (let i = sent; i < Math.min(count, sent + 20); i++) {
      const traceId = hex(16);
      const rootId = hex(8);
      const end = nowNanos();
      const start = end - 5_000_000n;
      const code = status === "error" ? 2 : 1;
      ids.push(traceId);
      spans.push(
        {
          traceId,
          spanId: rootId,
          name: "GET /api/orders",
          kind: 2,
          startTimeUnixNano: String(start),
          endTimeUnixNano: String(end),
          attributes: [attribute("http.route", "/api/orders"), attribute("password", "hunter2")],
          status: { code },
        },
        {
          traceId,
          spanId: hex(8),
          parentSpanId: rootId,
          name: "SELECT orders",
          kind: 3,
          startTimeUnixNano: String(start + 1_000_000n),
          endTimeUnixNano: String(end - 1_000_000n),
          status: { code },
        },
      );
    }
    await post(`${collectorHttp}/v1/traces`, {
      resourceSpans: [
        {
          resource: { attributes: [attribute("service.name", service)] },
          scopeSpans: [{ scope: { name: "e2e" }, spans }],
        },
      ],
    });
  }
  return ids;
}

interface JaegerTrace {
  traceID: string;
  spans: { tags: { key: string; value: unknown }[] }[];
}

async function jaegerTraces(service: string): Promise<JaegerTrace[]> {
  const start = (Date.now() - 3_600_000) * 1000;
  const params = new URLSearchParams({ service, limit: "1000", start: String(start) });
  const body = await getJson(`${jaegerUrl}/api/traces?${params}`);
  return body.data ?? [];
}

/** How many of the given trace ids Jaeger holds for the service. */
async function countArrived(service: string, ids: string[]) {
  const stored = new Set((await jaegerTraces(service)).map((t) => normalId(t.traceID)));
  return ids.filter((id) => stored.has(normalId(id))).length;
}

async function promQuery(query: string) {
  const body = await getJson(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query })}`);
  return body.data.result as { metric: Record<string, string>; value: [number, string] }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stack = new TestStack(STACK);
let deployed = false;
let demo: DemoService | undefined;
let traffic: NodeJS.Timeout | undefined;
let cadvisorStarted = false;
let telemetry: NodeJS.Timeout | undefined;
/** The demo's scrape job: its application metrics come from there. */
const DEMO_JOB = "demo";
/** The stack as deployed: the committed stack file with the config this test set. */
const deployedSettings = () => loadSettings(readStackFile(stack.dir, STACK));

function judged(report: Report) {
  console.log(formatReport(report));
  expect(report.failures).toEqual([]);
}

function removeCadvisor() {
  if (cadvisorStarted) docker("rm", "--force", CADVISOR);
  cadvisorStarted = false;
}

beforeAll(() => {
  execFileSync(path.join(PROJECT_DIR, "scripts/e2e/images.sh"), [STACK], { stdio: "inherit" });
  // Alerts fire within the test's time: 30 s instead of 5 min of errors.
  stack.setConfig("rules.overrides.HighAPIErrorRate.for", "30s", { path: true });
});

afterAll(async () => {
  if (traffic) clearInterval(traffic);
  if (telemetry) clearInterval(telemetry);
  await demo?.close();
  removeCadvisor();
  if (deployed && stackObjects(LABEL).containers.length > 0) stack.destroy();
});

describe("telemetry pipeline of the e2e stack", () => {
  test("1. pulumi up: every component healthy", async () => {
    deployed = true;
    stack.up();
    await waitHealthy(LABEL, settings, deployedIds, 180_000);
  });

  test("2. traces: all of 100 traces sent with dev sampling (100 %) reach Jaeger, redacted", async () => {
    expect(settings.sampling.ratio).toBe(1);
    const service = `e2e-dev-${RUN}`;
    const ids = await sendTraces(service, 100, "ok");
    const arrived = await eventually(
      "100 traces in Jaeger",
      async () => {
        const n = await countArrived(service, ids);
        return n === ids.length ? n : undefined;
      },
      90_000,
    );
    expect(arrived).toBe(100);
    const [trace] = await jaegerTraces(service);
    const tags = trace.spans.flatMap((span) => span.tags);
    expect(tags).toContainEqual(
      expect.objectContaining({ key: "password", value: REDACTION_MASK }),
    );
    expect(JSON.stringify(tags)).not.toContain("hunter2");
  });

  test("3. logs: what the collector sends to Loki carries the correlation and trace IDs, redacted (Loki itself is not running: a second collector stands in on Loki's /otlp/v1/logs)", async () => {
    expect(settings.components.loki.standIn).toBe("collector");
    const service = `e2e-logs-${RUN}`;
    const correlationId = `corr-${hex(8)}`;
    const traceId = hex(16);
    const spanId = hex(8);
    await post(`${collectorHttp}/v1/logs`, {
      resourceLogs: [
        {
          resource: { attributes: [attribute("service.name", service)] },
          scopeLogs: [
            {
              scope: { name: "e2e" },
              logRecords: [
                {
                  timeUnixNano: String(nowNanos()),
                  observedTimeUnixNano: String(nowNanos()),
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: `payment failed for order 42 (${correlationId})` },
                  traceId,
                  spanId,
                  attributes: [
                    attribute("correlation_id", correlationId),
                    attribute("trace_id", traceId),
                    attribute("password", "hunter2"),
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    // The collector batches for up to 5 s before it exports.
    const received = await eventually(
      "the log record at Loki's stand-in",
      async () => {
        const records = lokiStandInRecords(LABEL).filter(
          (r) => r.resource["service.name"] === service,
        );
        return records.length > 0 ? records : undefined;
      },
      90_000,
    );
    expect(received).toHaveLength(1);
    const [record] = received;
    expect(record.body).toBe(`payment failed for order 42 (${correlationId})`);
    expect(record.severityText).toBe("ERROR");
    expect(record.traceId).toBe(traceId);
    expect(record.spanId).toBe(spanId);
    expect(record.attributes).toMatchObject({
      correlation_id: correlationId,
      trace_id: traceId,
      password: REDACTION_MASK,
    });
    expect(JSON.stringify(lokiStandInRecords(LABEL))).not.toContain("hunter2");
  });

  test.skip("logs in Loki itself (stream labels, LogQL by correlation_id): Loki is not built here (AGPL) and does not run in this e2e; its config is checked statically (test/unit/loki-config.test.ts)", () =>
    undefined);

  test("4. cAdvisor (its image, args and mounts, unprivileged) and a demo service join Prometheus through scrapeJobs", async () => {
    // The stack runs cAdvisor privileged, which this Docker engine cannot start (see
    // Pulumi.e2e.yaml), so the test runs the spec's container itself without that flag.
    const spec = cadvisorSpec(settings);
    docker(
      "run",
      "--detach",
      "--name",
      CADVISOR,
      "--network",
      LABEL,
      "--network-alias",
      spec.name,
      "--user",
      String(spec.security.runAsUser),
      ...(spec.security.hostPid ? ["--pid", "host"] : []),
      "--memory",
      `${memoryMiB(spec.resources.limits.memory)}m`,
      ...spec.hostMounts.flatMap((m) => ["--volume", `${m.hostPath}:${m.mountPath}:ro`]),
      spec.image,
      ...spec.args,
    );
    cadvisorStarted = true;

    // dockerd runs with --bridge=none --iptables=false: no port publishing towards the host
    // and no NAT, but the stack network's gateway address is the host itself, so the demo
    // service listens there (not on every address) and Prometheus scrapes it as a target.
    const gateway = docker(
      "network",
      "inspect",
      LABEL,
      "--format",
      "{{range .IPAM.Config}}{{.Gateway}}{{end}}",
    );
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // The demo records the seeds' product activity on every application metric at each
    // scrape, and a trace, a log and a metric point go through the collector every 5 s.
    demo = await startDemoService({
      host: gateway,
      service: DEMO_SERVICE,
      activity: true,
      metricPrefix: settings.applicationMetrics.prefix,
    });
    telemetry = setInterval(() => {
      sendTelemetry(collectorHttp, DEMO_SERVICE).catch(() => undefined);
    }, 5000);
    // cAdvisor under the job the stack gives it, so the container rules read it as deployed.
    stack.setConfig(
      "scrapeJobs",
      JSON.stringify([
        { job: jobOf("cadvisor"), targets: [`${spec.name}:${spec.metrics.port}`] },
        { job: DEMO_JOB, targets: [`${gateway}:${demo.port}`] },
      ]),
    );
    stack.up();
    await waitHealthy(LABEL, settings, ["prometheus"], 120_000);
    const up = await eventually(
      "both new targets up",
      async () => {
        const result = await promQuery(`up{job=~"${jobOf("cadvisor")}|${DEMO_JOB}"} == 1`);
        return result.length === 2 ? result : undefined;
      },
      120_000,
    );
    expect(up.map((r) => r.metric.job).sort()).toEqual([jobOf("cadvisor"), DEMO_JOB].sort());
  });

  test("5. cAdvisor's metrics of the stack's own containers are in Prometheus", async () => {
    const expected = deployedIds.map((id) => containerName(LABEL, id)).sort();
    const names = await eventually(
      "container_memory_working_set_bytes of every stack container",
      async () => {
        const result = await promQuery(
          `container_memory_working_set_bytes{job="${jobOf("cadvisor")}", name=~"${LABEL}-.*"}`,
        );
        const found = [...new Set(result.map((r) => r.metric.name))];
        return expected.every((name) => found.includes(name)) ? found : undefined;
      },
      120_000,
      5000,
    );
    expect(names).toEqual(expect.arrayContaining(expected));
    // The figures are the containers' own: Prometheus's limit as the stack set it, and a
    // working set above zero and below that limit.
    const prometheus = `name="${containerName(LABEL, "prometheus")}"`;
    const limit = memoryMiB(settings.components.prometheus.resources.limits.memory) * 1024 ** 2;
    const [spec] = await promQuery(`container_spec_memory_limit_bytes{${prometheus}}`);
    expect(Number(spec.value[1])).toBe(limit);
    const [used] = await promQuery(`container_memory_working_set_bytes{${prometheus}}`);
    expect(Number(used.value[1])).toBeGreaterThan(0);
    expect(Number(used.value[1])).toBeLessThan(limit);
  });

  test("6. the demo service switched to errors: HighAPIErrorRate reaches Alertmanager", async () => {
    const client = demo!;
    traffic = setInterval(() => {
      fetch(`${client.url}/api/orders`).catch(() => undefined);
    }, 100);
    const healthy = await eventually(
      "the demo's error ratio recorded",
      async () =>
        (await promQuery(`service:http_request_errors:ratio_rate5m{service="${DEMO_SERVICE}"}`))[0],
      120_000,
      5000,
    );
    expect(Number(healthy.value[1])).toBe(0);

    client.setFailing(true);
    const alert = await eventually(
      "HighAPIErrorRate for the demo in Alertmanager",
      async () => {
        const alerts = await getJson<
          { labels: Record<string, string>; status: { state: string } }[]
        >(`${alertmanagerUrl}/api/v2/alerts`);
        return alerts.find(
          (a) => a.labels.alertname === "HighAPIErrorRate" && a.labels.service === DEMO_SERVICE,
        );
      },
      240_000,
      5000,
    );
    expect(alert.labels.severity).toBe("warning");
    expect(alert.status.state).toBe("active");
    clearInterval(traffic);
    traffic = undefined;
  });

  test("7. judgement: every metric a rule, recording rule or panel reads is in Prometheus, from its job", async () => {
    judged(await judgeMetrics(prometheusUrl, deployedSettings(), { applicationJobs: [DEMO_JOB] }));
  });

  test("8. judgement: every rule group evaluates with health ok and no lastError", async () => {
    judged(await judgeRuleGroups(prometheusUrl, deployedSettings()));
  });

  test("9. judgement: every PromQL panel, queried as Grafana would over the last 15 minutes, has data", async () => {
    judged(await judgePanels(prometheusUrl, deployedSettings()));
  });

  test("10. judgement: pint online against the stack's Prometheus finds no problem without a reason in rules/pint.hcl", () => {
    judged(judgePint(prometheusUrl, deployedSettings()));
  });

  test("11. prod-like sampling: about 10 % of OK traces and every error trace reach Jaeger", async () => {
    stack.setConfig("sampling", JSON.stringify({ ratio: 0.1, tail: { enabled: true } }));
    stack.up();
    await waitHealthy(LABEL, settings, ["otelCollector"], 120_000);
    const service = `e2e-prod-${RUN}`;
    const ok = await sendTraces(service, 100, "ok");
    const errors = await sendTraces(service, 20, "error");
    // Decisions come 10 s (decision_wait) after a trace's first span, then batches of 5 s.
    await eventually(
      "20 error traces in Jaeger",
      async () => ((await countArrived(service, errors)) === errors.length ? true : undefined),
      90_000,
    );
    await sleep(20_000); // every decision is made by now; let the last batch land
    const okArrived = await countArrived(service, ok);
    const errorsArrived = await countArrived(service, errors);
    console.log(`prod-like sampling: ${okArrived}/100 OK traces, ${errorsArrived}/20 error traces`);
    // Binomial(100, 0.1): P(0) < 3e-5, P(> 30) < 1e-8.
    expect(okArrived).toBeGreaterThanOrEqual(1);
    expect(okArrived).toBeLessThanOrEqual(30);
    expect(errorsArrived).toBe(20);
  });

  test.skip("Grafana (datasources, trace-to-logs links): no Grafana server builds on this machine (frontend not in any Go module); provisioning is checked statically", () =>
    undefined);

  test("12. pulumi destroy leaves nothing of the stack", () => {
    removeCadvisor();
    expect(stack.destroy().status).toBe(0);
    expect(stackObjects(LABEL)).toEqual({ containers: [], networks: [], volumes: [] });
  });
});
