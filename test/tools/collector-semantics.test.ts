import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../../components/catalog";
import { REDACTION_PROCESSOR } from "../../components/otel-collector/redaction";
import { REDACTION_MASK } from "../../telemetry/redaction";
import { readYaml, startCollector, startJaeger, Started } from "../support/components";
import {
  attributeMap,
  attributes,
  exportingTo,
  nowNanos,
  OtlpSink,
  postOtlp,
  randomHex,
  settled,
} from "../support/otlp";
import { prometheusArgs } from "../../components/prometheus/config";
import { freePort, Program, renderSettingsTo, waitForHttp } from "../support/programs";
import { scratchDir, tool } from "../support/tools";
import { stackSettings } from "../support/settings";

/**
 * What the collector does to telemetry, on the real collector binary with a stack's rendered
 * config whose exporters alone are changed (every pipeline exports OTLP/JSON to a sink in
 * the test): redaction of traces, logs and metrics, and sampling that happens once (Jaeger's
 * remote sampling endpoint, asked on the real Jaeger, tells the SDKs to keep everything).
 */

const M = REDACTION_MASK;
const renderedCollectorConfig = (stack: string) =>
  readYaml(
    path.join(
      renderSettingsTo(stackSettings(stack), `render-${stack}`),
      "otel-collector/config.yml",
    ),
  );

async function runCollector(config: unknown, sink: OtlpSink): Promise<Started & { otlp: string }> {
  const started = await startCollector(exportingTo(config, sink.endpoint));
  await waitForHttp(started.program, started.health, 30_000);
  const port = started.ports.get(CATALOG.otelCollector.ports.otlpHttp.port)!;
  return { ...started, otlp: `http://127.0.0.1:${port}` };
}

/** Clear-text values sent under keys of the scrub list; none may leave the collector. */
const SECRETS = {
  resourcePassword: "res-pass-3141",
  spanPassword: "span-pass-2718",
  apiKey: "key-1618",
  mixedCaseApiKey: "key-mixed-1414",
  ssn: 123456789,
  bearer: "Bearer tok-1732",
  jsonPassword: "json-pass-5772",
  jsonNested: "json-nested-6931",
  textPassword: "text-pass-4669",
  textToken: "text token 8862",
  mapBodySecret: "map-body-2236",
  logAttribute: "log-attr-3010",
  logResource: "log-res-4771",
  metricToken: "metric-tok-7071",
  metricResource: "metric-res-5040",
};
const PHONE = "+15550100";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function sendSensitiveTelemetry(otlp: string) {
  const traceId = randomHex(16);
  await postOtlp(otlp, "traces", {
    resourceSpans: [
      {
        resource: {
          attributes: attributes({
            "service.name": "checkout",
            Password: SECRETS.resourcePassword,
            "deployment.environment": "dev",
          }),
        },
        scopeSpans: [
          {
            scope: { name: "redaction-test" },
            spans: [
              {
                traceId,
                spanId: randomHex(8),
                name: "POST /orders",
                kind: 2,
                startTimeUnixNano: nowNanos(-5),
                endTimeUnixNano: nowNanos(),
                attributes: attributes({
                  PASSWORD: SECRETS.spanPassword,
                  api_key: SECRETS.apiKey,
                  Api_Key: SECRETS.mixedCaseApiKey,
                  ssn: SECRETS.ssn,
                  phone: PHONE,
                  "user.id": "u-42",
                  csrf_token: "kept-csrf",
                }),
                events: [
                  {
                    name: "auth",
                    timeUnixNano: nowNanos(),
                    attributes: attributes({ Authorization: SECRETS.bearer, step: "login" }),
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const record = (body: unknown, extra: Record<string, string> = {}) => ({
    timeUnixNano: nowNanos(),
    severityText: "INFO",
    body,
    attributes: attributes({ correlation_id: "corr-1", ...extra }),
  });
  await postOtlp(otlp, "logs", {
    resourceLogs: [
      {
        resource: {
          attributes: attributes({ "service.name": "checkout", API_KEY: SECRETS.logResource }),
        },
        scopeLogs: [
          {
            scope: { name: "redaction-test" },
            logRecords: [
              record({
                stringValue: JSON.stringify({
                  user: "ann",
                  Password: SECRETS.jsonPassword,
                  nested: { api_key: SECRETS.jsonNested, items: 2 },
                  ssn: SECRETS.ssn,
                }),
              }),
              record({
                stringValue: `login user=ann password=${SECRETS.textPassword} TOKEN="${SECRETS.textToken}" csrf_token=kept-csrf done`,
              }),
              record({
                kvlistValue: {
                  values: attributes({ Secret: SECRETS.mapBodySecret, msg: "hello" }),
                },
              }),
              record({ stringValue: "plain text, nothing to hide" }, { Pwd: SECRETS.logAttribute }),
            ],
          },
        ],
      },
    ],
  });
  await postOtlp(otlp, "metrics", {
    resourceMetrics: [
      {
        resource: {
          attributes: attributes({ "service.name": "checkout", Secret: SECRETS.metricResource }),
        },
        scopeMetrics: [
          {
            scope: { name: "redaction-test" },
            metrics: [
              {
                name: "orders_in_flight",
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: nowNanos(),
                      asDouble: 3,
                      attributes: attributes({ Token: SECRETS.metricToken, route: "/orders" }),
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

async function collectSensitiveTelemetry(config: unknown) {
  const sink = await new OtlpSink().start();
  const collector = await runCollector(config, sink);
  try {
    await sendSensitiveTelemetry(collector.otlp);
    const total = () => sink.spans().length + sink.logRecords().length + sink.dataPoints().length;
    // 1 span + 4 log records + 1 data point, after the batch processor's timeout.
    await settled(total, 2_000, 30_000);
  } finally {
    expect(await collector.program.stop()).toBe(0);
    await sink.stop();
  }
  return { sink, output: collector.program.output };
}

describe("the collector's redaction, on the real collector with dev's rendered config", () => {
  let sink: OtlpSink;
  let output: string;
  beforeAll(async () => {
    ({ sink, output } = await collectSensitiveTelemetry(renderedCollectorConfig("dev")));
  }, 60_000);

  test("no clear-text value of a scrubbed key leaves the collector, in any signal", () => {
    const exported = JSON.stringify(sink.received);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect([name, exported.includes(String(value))]).toEqual([name, false]);
    }
    expect(exported).not.toContain(PHONE);
    // Every statement ran: the collector logged no OTTL error.
    expect(output).not.toMatch(/failed to execute statement|error/i);
  });

  test("traces: span, span event and resource attributes, keys of any case; others kept", () => {
    const [{ resource, span }] = sink.spans();
    expect(resource).toEqual({
      "service.name": "checkout",
      Password: M,
      "deployment.environment": "dev",
    });
    expect(attributeMap(span.attributes)).toEqual({
      PASSWORD: M,
      api_key: M,
      Api_Key: M,
      ssn: M,
      phone: sha256(PHONE),
      "user.id": "u-42",
      csrf_token: "kept-csrf",
    });
    expect(attributeMap(span.events[0].attributes)).toEqual({ Authorization: M, step: "login" });
  });

  test("logs: JSON and key=value text bodies, map bodies, record and resource attributes", () => {
    const records = sink.logRecords();
    expect(records.map((r) => r.resource)).toEqual(
      Array(4).fill({ "service.name": "checkout", API_KEY: M }),
    );
    const [json, text, map, plain] = records.map((r) => r.record);
    expect(JSON.parse(json.body.stringValue)).toEqual({
      user: "ann",
      Password: M,
      nested: { api_key: M, items: 2 },
      ssn: M,
    });
    expect(text.body.stringValue).toBe(
      `login user=ann password=${M} TOKEN=${M} csrf_token=kept-csrf done`,
    );
    expect(attributeMap(map.body.kvlistValue.values)).toEqual({ Secret: M, msg: "hello" });
    expect(plain.body.stringValue).toBe("plain text, nothing to hide");
    expect(attributeMap(plain.attributes)).toEqual({ correlation_id: "corr-1", Pwd: M });
  });

  test("metrics: data point and resource attributes; the data point gets its service label", () => {
    const [{ resource, metric, point }] = sink.dataPoints();
    expect(metric).toBe("orders_in_flight");
    expect(resource).toEqual({ "service.name": "checkout", Secret: M });
    expect(attributeMap(point.attributes)).toEqual({
      Token: M,
      route: "/orders",
      service: "checkout",
    });
  });
});

describe("the redaction check can fail", () => {
  test("the same telemetry through the config without the redaction processor leaks", async () => {
    const config = renderedCollectorConfig("dev") as any;
    for (const pipeline of Object.values(config.service.pipelines) as { processors: string[] }[]) {
      pipeline.processors = pipeline.processors.filter((name) => name !== REDACTION_PROCESSOR);
    }
    const { sink } = await collectSensitiveTelemetry(config);
    const exported = JSON.stringify(sink.received);
    expect(exported).toContain(SECRETS.spanPassword);
    expect(exported).toContain(SECRETS.jsonPassword);
    expect(exported).toContain(SECRETS.metricToken);
  }, 60_000);
});

/** One span per trace; `error` ones have status ERROR. Returns the trace IDs sent. */
async function sendTraces(otlp: string, count: number, error: boolean): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let sent = 0; sent < count; sent += 50) {
    const spans = Array.from({ length: Math.min(50, count - sent) }, () => {
      const traceId = randomHex(16);
      ids.add(traceId);
      return {
        traceId,
        spanId: randomHex(8),
        name: error ? "GET /fails" : "GET /works",
        kind: 2,
        startTimeUnixNano: nowNanos(-20),
        endTimeUnixNano: nowNanos(),
        status: { code: error ? 2 : 1 },
      };
    });
    await postOtlp(otlp, "traces", {
      resourceSpans: [
        {
          resource: { attributes: attributes({ "service.name": "sampled" }) },
          scopeSpans: [{ scope: { name: "sampling-test" }, spans }],
        },
      ],
    });
  }
  return ids;
}

async function keptTraces(stack: string, batches: { count: number; error: boolean }[]) {
  const sink = await new OtlpSink().start();
  const collector = await runCollector(renderedCollectorConfig(stack), sink);
  const sent: Set<string>[] = [];
  try {
    for (const batch of batches)
      sent.push(await sendTraces(collector.otlp, batch.count, batch.error));
    // Tail sampling decides 10 s after a trace's first span; then the batch timeout.
    await settled(() => sink.spans().length, 6_000, 60_000);
  } finally {
    expect(await collector.program.stop()).toBe(0);
    await sink.stop();
  }
  const kept = new Set(sink.spans().map(({ span }) => span.traceId));
  return sent.map((ids) => [...ids].filter((id) => kept.has(id)).length);
}

/** The sampling strategy Jaeger's remote sampling endpoint serves a service, from a render dir. */
async function servedStrategy(renderDir: string) {
  const jaeger = await startJaeger(renderDir, { withSamplingFile: true });
  try {
    await waitForHttp(jaeger.program, jaeger.health, 60_000);
    const port = jaeger.ports.get(CATALOG.jaeger.ports.sampling.port)!;
    const url = `http://127.0.0.1:${port}/api/sampling?service=checkout`;
    return JSON.parse(await waitForHttp(jaeger.program, url, 10_000));
  } finally {
    expect(await jaeger.program.stop()).toBe(0);
  }
}

// Jaeger's api_v2 enum, as the endpoint writes it: PROBABILISTIC is 0.
const PROBABILISTIC = 0;

describe("sampling happens once: in the collector, never in the SDKs as well", () => {
  test.each(["dev", "staging", "prod"])(
    "%s: Jaeger's remote sampling endpoint tells every SDK to keep every trace",
    async (stack) => {
      const dir = renderSettingsTo(stackSettings(stack), `render-${stack}-jaeger`);
      expect(await servedStrategy(dir)).toEqual({
        strategyType: PROBABILISTIC,
        probabilisticSampling: { samplingRate: 1 },
      });
    },
    90_000,
  );

  test("the check can fail: a strategies file at the environment's ratio is served as such", async () => {
    const dir = renderSettingsTo(stackSettings("staging"), "render-staging-jaeger-ratio");
    fs.writeFileSync(
      path.join(dir, "jaeger/sampling.json"),
      JSON.stringify({ default_strategy: { type: "probabilistic", param: 0.5 } }),
    );
    expect(await servedStrategy(dir)).toMatchObject({
      probabilisticSampling: { samplingRate: 0.5 },
    });
  }, 90_000);

  test("staging: the collector keeps about half of the traces (0.5, not 0.5 × 0.5)", async () => {
    expect(stackSettings("staging").sampling).toMatchObject({
      ratio: 0.5,
      tail: { enabled: false },
    });
    const [kept] = await keptTraces("staging", [{ count: 400, error: false }]);
    // Binomial(400, 0.5): mean 200, sd 10; 0.25 would keep about 100.
    expect(kept).toBeGreaterThan(160);
    expect(kept).toBeLessThan(240);
  }, 90_000);

  test("prod: every error trace is kept, and about 10 % of the others", async () => {
    expect(stackSettings("prod").sampling).toMatchObject({ ratio: 0.1, tail: { enabled: true } });
    const [errors, ok] = await keptTraces("prod", [
      { count: 100, error: true },
      { count: 400, error: false },
    ]);
    expect(errors).toBe(100);
    // Binomial(400, 0.1): mean 40, sd 6.
    expect(ok).toBeGreaterThan(18);
    expect(ok).toBeLessThan(62);
  }, 90_000);
});

/**
 * A gauge sent to the collector with `config`, as Prometheus stores it: its series and the
 * resource's target_info series.
 */
async function remoteWritten(config: any) {
  const dataDir = scratchDir("remote-write-prometheus");
  const port = await freePort();
  const prometheusUrl = `http://127.0.0.1:${port}`;
  fs.writeFileSync(path.join(dataDir, "prometheus.yml"), "global: {}\n");
  const prometheus = new Program(tool("prometheus"), [
    `--config.file=${path.join(dataDir, "prometheus.yml")}`,
    `--storage.tsdb.path=${path.join(dataDir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // The flag the stack's Prometheus runs with (components/prometheus/config.ts).
    ...prometheusArgs(stackSettings("dev")).filter((arg) => arg.includes("remote-write")),
  ]);
  // Only the exporter's endpoint changes: to this Prometheus instead of the stack's.
  config.exporters.prometheus_remote_write.endpoint = `${prometheusUrl}/api/v1/write`;
  const collector = await startCollector(config);
  const otlp = `http://127.0.0.1:${collector.ports.get(CATALOG.otelCollector.ports.otlpHttp.port)}`;
  const series = async (selector: string) => {
    const url = `${prometheusUrl}/api/v1/series?match[]=${encodeURIComponent(selector)}`;
    const body = (await (await fetch(url)).json()) as { data: Record<string, string>[] };
    return body.data;
  };
  try {
    await waitForHttp(prometheus, `${prometheusUrl}/-/ready`, 60_000);
    await waitForHttp(collector.program, collector.health, 30_000);
    await postOtlp(otlp, "metrics", {
      resourceMetrics: [
        {
          resource: {
            attributes: attributes({
              "service.name": "checkout",
              "service.instance.id": "checkout-1",
              "deployment.environment": "dev",
              "host.name": "node-a",
            }),
          },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "orders_in_flight",
                  gauge: {
                    dataPoints: [
                      {
                        timeUnixNano: nowNanos(),
                        asDouble: 3,
                        attributes: attributes({ route: "/orders" }),
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const deadline = Date.now() + 30_000;
    while ((await series("orders_in_flight")).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { metric: await series("orders_in_flight"), targetInfo: await series("target_info") };
  } finally {
    expect(await collector.program.stop()).toBe(0);
    await prometheus.stop();
  }
}

describe("OTLP metrics in Prometheus, through the rendered remote write exporter", () => {
  test("a series carries job, instance, service and its own attributes; resource attributes stay on target_info", async () => {
    const { metric, targetInfo } = await remoteWritten(renderedCollectorConfig("dev"));
    expect(metric).toEqual([
      {
        __name__: "orders_in_flight",
        job: "checkout",
        instance: "checkout-1",
        service: "checkout",
        route: "/orders",
      },
    ]);
    expect(targetInfo).toEqual([
      {
        __name__: "target_info",
        job: "checkout",
        instance: "checkout-1",
        deployment_environment: "dev",
        host_name: "node-a",
      },
    ]);
  }, 120_000);

  test("the check can fail: with every resource attribute as a constant label, the series carries them", async () => {
    const config = renderedCollectorConfig("dev") as any;
    config.exporters.prometheus_remote_write.resource_constant_labels = { included: ["*"] };
    const { metric } = await remoteWritten(config);
    expect(metric).toHaveLength(1);
    expect(metric[0]).toMatchObject({ host_name: "node-a", deployment_environment: "dev" });
  }, 120_000);
});
