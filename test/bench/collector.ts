/**
 * Collector throughput for `npm run bench`: spans per second the running e2e stack's
 * collector accepts over OTLP/HTTP JSON on loopback, with the stack's dev sampling and then
 * with prod-like sampling (tail sampling, 10 %). Bounded: each run lasts at most
 * RUN_SECONDS and sends at most MAX_SPANS spans.
 */
import { randomBytes } from "crypto";
import { CATALOG } from "../../components/catalog";
import { parseMemory } from "../../config/quantity";
import { enabledComponents, Settings } from "../../config/settings";
import { otelCollector } from "../../metrics/exporters/otel-collector";
import { docker } from "../support/docker";
import { containerName, waitHealthy } from "../support/e2e";
import { TestStack } from "../support/pulumi";

const RUN_SECONDS = 10;
const MAX_SPANS = 300_000;
const CONCURRENCY = 4;
/** Per request: 50 traces of 2 spans, as an instrumented service's exporter batches them. */
const TRACES_PER_REQUEST = 50;
/** Time for the last tail-sampling decisions (decision_wait 10 s) and batches (5 s). */
const DRAIN_MS = 20_000;

export interface ThroughputRun {
  label: string;
  seconds: number;
  /** Spans in requests the collector answered 2xx. */
  accepted: number;
  /** Spans in requests it refused (memory limiter) or that failed. */
  refused: number;
  /** The collector's own counters over the run and the drain after it. */
  receiverAccepted: number;
  exportedToJaeger: number;
  /** Spans the exporter failed to send or could not queue (Jaeger too slow). */
  droppedByExporter: number;
}

function body(service: string): string {
  const spans = [];
  const end = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < TRACES_PER_REQUEST; i++) {
    const traceId = randomBytes(16).toString("hex");
    const root = randomBytes(8).toString("hex");
    const common = { traceId, kind: 2, status: { code: 1 } };
    spans.push(
      {
        ...common,
        spanId: root,
        name: "GET /api/orders",
        startTimeUnixNano: String(end - 5_000_000n),
        endTimeUnixNano: String(end),
        attributes: [{ key: "http.route", value: { stringValue: "/api/orders" } }],
      },
      {
        ...common,
        spanId: randomBytes(8).toString("hex"),
        parentSpanId: root,
        name: "SELECT orders",
        startTimeUnixNano: String(end - 4_000_000n),
        endTimeUnixNano: String(end - 1_000_000n),
      },
    );
  }
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: "bench" }, spans }],
      },
    ],
  });
}

/** Sums of the collector's span counters, read from its own metrics endpoint. */
function collectorCounters(container: string, metricsPort: number) {
  const text = docker(
    "exec",
    container,
    "wget",
    "-q",
    "-O",
    "-",
    `http://127.0.0.1:${metricsPort}/metrics`,
  );
  const sum = (name: string) =>
    text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
  return {
    accepted: sum(otelCollector.receiverAcceptedSpans.name),
    sent: sum(otelCollector.exporterSentSpans.name),
    dropped:
      sum(otelCollector.exporterSendFailedSpans.name) +
      sum(otelCollector.exporterEnqueueFailedSpans.name),
  };
}

async function run(
  label: string,
  url: string,
  counters: () => { accepted: number; sent: number; dropped: number },
) {
  const before = counters();
  const service = `bench-${Date.now().toString(36)}`;
  const started = Date.now();
  const deadline = started + RUN_SECONDS * 1000;
  const spansPerRequest = TRACES_PER_REQUEST * 2;
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  const worker = async () => {
    while (Date.now() < deadline && sent + spansPerRequest <= MAX_SPANS) {
      sent += spansPerRequest;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: body(service),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) accepted += spansPerRequest;
        else refused += spansPerRequest;
      } catch {
        refused += spansPerRequest;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (Date.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
  const after = counters();
  return {
    label,
    seconds,
    accepted,
    refused,
    receiverAccepted: after.accepted - before.accepted,
    exportedToJaeger: after.sent - before.sent,
    droppedByExporter: after.dropped - before.dropped,
  };
}

/** Memory the stack's containers use right now (docker stats), in bytes. */
export function stackMemoryBytes(settings: Settings): number {
  const names = enabledComponents(settings).map((c) =>
    containerName(`obs-${settings.stack}`, c.id),
  );
  return docker("stats", "--no-stream", "--format", "{{.MemUsage}}", ...names)
    .split("\n")
    .reduce(
      (sum, usage) => sum + (parseMemory(usage.split("/")[0].trim().replace(/B$/, "")) ?? 0),
      0,
    );
}

/**
 * Both runs on the running e2e stack, then the stack's memory right after them; leaves the
 * stack with prod-like sampling.
 */
export async function collectorThroughput(
  stack: TestStack,
  settings: Settings,
): Promise<{ runs: ThroughputRun[]; memoryAfterBytes: number }> {
  const label = `obs-${settings.stack}`;
  const url = `http://127.0.0.1:${settings.components.otelCollector.ports.otlpHttp}/v1/traces`;
  const counters = () =>
    collectorCounters(
      containerName(label, "otelCollector"),
      CATALOG.otelCollector.ports.metrics.port,
    );
  const runs = [await run(`dev sampling (${settings.sampling.ratio * 100} %)`, url, counters)];
  stack.setConfig("sampling", JSON.stringify({ ratio: 0.1, tail: { enabled: true } }));
  stack.up();
  await waitHealthy(label, settings, ["otelCollector"], 120_000);
  runs.push(await run("prod-like sampling (tail, 10 % + errors + slow)", url, counters));
  return { runs, memoryAfterBytes: stackMemoryBytes(settings) };
}

export function printThroughput(figures: { runs: ThroughputRun[]; memoryAfterBytes: number }) {
  for (const r of figures.runs) {
    const rate = Math.round(r.accepted / r.seconds);
    console.log(
      `  collector, ${r.label}: ${rate} spans/s accepted over OTLP/HTTP JSON (${r.accepted} in ${r.seconds.toFixed(1)} s, ${r.refused} refused; collector counted ${r.receiverAccepted} accepted, ${r.exportedToJaeger} exported to Jaeger within ${DRAIN_MS / 1000} s after the run, ${r.droppedByExporter} dropped by its exporter)`,
    );
  }
  console.log(
    `  memory of the running stack after both runs: ${(figures.memoryAfterBytes / 1024 ** 2).toFixed(1)} MiB`,
  );
}
