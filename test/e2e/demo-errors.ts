/**
 * Error reporting for the e2e demo service (test/e2e/demo-service.ts), as a real service does
 * it with telemetry/sentry.ts: the Sentry SDK with the stack's scrubber, each failed request
 * reported with its correlation ID and trace ID, and the same request's error log line and
 * span sent to the collector over OTLP, so one ID finds it in the error tracker, Loki and
 * Jaeger. Optional: the demo runs without it.
 */
import * as Sentry from "@sentry/node";
import { randomBytes, randomUUID } from "crypto";
import * as http from "http";
import { CORRELATION_FIELDS, CORRELATION_HEADERS } from "../../telemetry/correlation";
import { captureRequestError, sentryOptions } from "../../telemetry/sentry";

export interface RequestIds {
  correlationId: string;
  traceId: string;
}

export interface DemoErrorReporting {
  /** Reports a failed request everywhere; returns the IDs it carries (the demo answers with them). */
  report(request: http.IncomingMessage, error: Error): Promise<RequestIds>;
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** The request's IDs: from its headers (X-Correlation-ID, traceparent or X-Trace-ID), or new ones. */
export function requestIds(request: http.IncomingMessage): RequestIds {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const traceparent = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    header("traceparent") ?? "",
  );
  return {
    correlationId: header(CORRELATION_HEADERS.correlationId) ?? randomUUID(),
    traceId: traceparent?.[1] ?? header(CORRELATION_HEADERS.traceId) ?? hex(16),
  };
}

const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status}`);
}

export function demoErrorReporting(options: {
  dsn: string;
  service: string;
  environment: string;
  /** The collector's OTLP/HTTP address; without it, only the error report is sent. */
  otlpHttp?: string;
}): DemoErrorReporting {
  Sentry.init({
    ...sentryOptions({
      dsn: options.dsn,
      environment: options.environment,
      serviceName: options.service,
    }),
    // The demo reports explicitly; no automatic instrumentation of the test's process.
    defaultIntegrations: false,
  });
  const resource = { attributes: [attribute("service.name", options.service)] };

  async function sendTelemetry(ids: RequestIds, request: http.IncomingMessage, error: Error) {
    if (!options.otlpHttp) return;
    const spanId = hex(8);
    const end = BigInt(Date.now()) * 1_000_000n;
    const route = new URL(request.url ?? "/", "http://demo").pathname;
    const correlation = [
      attribute(CORRELATION_FIELDS.correlationId, ids.correlationId),
      attribute(CORRELATION_FIELDS.traceId, ids.traceId),
    ];
    await post(`${options.otlpHttp}/v1/traces`, {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: "demo" },
              spans: [
                {
                  traceId: ids.traceId,
                  spanId,
                  name: `${request.method} ${route}`,
                  kind: 2,
                  startTimeUnixNano: String(end - 3_000_000n),
                  endTimeUnixNano: String(end),
                  attributes: [attribute("http.route", route), ...correlation],
                  status: { code: 2, message: error.message },
                },
              ],
            },
          ],
        },
      ],
    });
    await post(`${options.otlpHttp}/v1/logs`, {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: "demo" },
              logRecords: [
                {
                  timeUnixNano: String(end),
                  observedTimeUnixNano: String(end),
                  severityNumber: 17,
                  severityText: "ERROR",
                  body: { stringValue: `${request.method} ${route} failed: ${error.message}` },
                  traceId: ids.traceId,
                  spanId,
                  attributes: correlation,
                },
              ],
            },
          ],
        },
      ],
    });
  }

  return {
    async report(request, error) {
      const ids = requestIds(request);
      const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "demo"}`);
      captureRequestError(error, {
        ...ids,
        request: {
          method: request.method,
          url: `${url.origin}${url.pathname}`,
          headers: Object.fromEntries(
            Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
          ),
          // What the client sent with the request (here its query): the scrubber masks secrets in it.
          data: Object.fromEntries(url.searchParams),
        },
      });
      await Promise.all([Sentry.flush(10_000), sendTelemetry(ids, request, error)]);
      return ids;
    },
    async close() {
      await Sentry.close(5_000);
    },
  };
}
