import * as http from "http";
import { AddressInfo } from "net";

/**
 * OTLP/HTTP in JSON for the tool tests: what a test sends to the collector, and a sink
 * that receives what the collector exports, so a test reads the collector's real output.
 */

export type AttributeValue = string | number | boolean;
export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean };
}

/** `{k: v}` as an OTLP attribute list (integers as intValue, as the SDKs send them). */
export function attributes(values: Record<string, AttributeValue>): KeyValue[] {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value:
      typeof value === "string"
        ? { stringValue: value }
        : typeof value === "boolean"
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: String(value) }
            : { doubleValue: value },
  }));
}

/** An OTLP attribute list back as `{k: v}`, each value as the text it holds. */
export function attributeMap(list: KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      String(value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue),
    ]),
  );
}

export const nowNanos = (offsetMs = 0) => String((Date.now() + offsetMs) * 1_000_000);

export function randomHex(bytes: number): string {
  let out = "";
  for (let i = 0; i < bytes; i++)
    out += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0");
  return out;
}

export async function postOtlp(base: string, signal: "traces" | "logs" | "metrics", body: unknown) {
  const response = await fetch(`${base}/v1/${signal}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`POST /v1/${signal}: ${response.status} ${await response.text()}`);
}

/** What the sink received, by signal, as the JSON requests the collector's exporter sent. */
export class OtlpSink {
  readonly received: Record<"traces" | "logs" | "metrics", any[]> = {
    traces: [],
    logs: [],
    metrics: [],
  };
  private server?: http.Server;
  endpoint = "";

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const signal = /^\/v1\/(traces|logs|metrics)$/.exec(request.url ?? "")?.[1];
        if (!signal) {
          response.writeHead(404).end();
          return;
        }
        this.received[signal as keyof OtlpSink["received"]].push(JSON.parse(body));
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Every span received, with its resource's attributes. */
  spans(): { resource: Record<string, string>; span: any }[] {
    return this.received.traces.flatMap((request) =>
      (request.resourceSpans ?? []).flatMap((rs: any) =>
        (rs.scopeSpans ?? []).flatMap((ss: any) =>
          (ss.spans ?? []).map((span: any) => ({
            resource: attributeMap(rs.resource?.attributes),
            span,
          })),
        ),
      ),
    );
  }

  logRecords(): { resource: Record<string, string>; record: any }[] {
    return this.received.logs.flatMap((request) =>
      (request.resourceLogs ?? []).flatMap((rl: any) =>
        (rl.scopeLogs ?? []).flatMap((sl: any) =>
          (sl.logRecords ?? []).map((record: any) => ({
            resource: attributeMap(rl.resource?.attributes),
            record,
          })),
        ),
      ),
    );
  }

  /** Gauge and sum data points, with their metric's name and their resource's attributes. */
  dataPoints(): { resource: Record<string, string>; metric: string; point: any }[] {
    return this.received.metrics.flatMap((request) =>
      (request.resourceMetrics ?? []).flatMap((rm: any) =>
        (rm.scopeMetrics ?? []).flatMap((sm: any) =>
          (sm.metrics ?? []).flatMap((metric: any) =>
            (metric.gauge ?? metric.sum ?? { dataPoints: [] }).dataPoints.map((point: any) => ({
              resource: attributeMap(rm.resource?.attributes),
              metric: metric.name,
              point,
            })),
          ),
        ),
      ),
    );
  }
}

/**
 * The rendered collector config with only its exporters changed: every pipeline exports to
 * the sink (OTLP/HTTP, JSON), receivers and processors exactly as rendered.
 */
export function exportingTo(config: any, endpoint: string): any {
  const copy = structuredClone(config);
  copy.exporters = {
    "otlp_http/sink": {
      endpoint,
      encoding: "json",
      compression: "none",
      retry_on_failure: { enabled: false },
    },
  };
  for (const pipeline of Object.values(copy.service.pipelines) as { exporters: string[] }[]) {
    pipeline.exporters = ["otlp_http/sink"];
  }
  return copy;
}

/** Waits until `count()` has not changed for `quietMs` (the batch and tail timers ran out). */
export async function settled(count: () => number, quietMs: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (now > 0 && Date.now() - since >= quietMs) {
      return now;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return count();
}
