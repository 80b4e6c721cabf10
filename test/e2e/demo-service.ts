/**
 * A small application service for the end-to-end test: an HTTP API instrumented with the
 * stack's own metric catalog (metrics/registry.ts), so Prometheus scrapes what the rule
 * packs query and the API alerts can fire on it. With `activity`, every scrape first records
 * a tick of the seeds' product activity on every application metric (demo-activity.ts).
 *
 *   GET  /api/orders          answers 200, or 500 while failing
 *   GET  /metrics             Prometheus exposition of the registry
 *   POST /admin/failing?on=1  switch the 500s on (on=0: off)
 *
 * The test starts it in its own process (startDemoService); `npx ts-node
 * test/e2e/demo-service.ts [host] [port]` runs it alone.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { createRegistry } from "../../metrics/registry";
import { CORRELATION_HEADERS } from "../../telemetry/correlation";
import { demoActivity } from "./demo-activity";
import type { DemoErrorReporting } from "./demo-errors";

export interface DemoService {
  url: string;
  port: number;
  setFailing(on: boolean): void;
  close(): Promise<void>;
}

export async function startDemoService(
  options: {
    host?: string;
    port?: number;
    service?: string;
    /** The stack's `applicationMetrics.prefix`, so its rules and dashboards match. */
    metricPrefix?: string;
    /** Reports each 500 to the error tracker, Loki and Jaeger (test/e2e/demo-errors.ts). */
    errors?: DemoErrorReporting;
    /** Record activity on every application metric at each scrape. Default: false. */
    activity?: boolean;
  } = {},
): Promise<DemoService> {
  const { registry, metrics } = createRegistry({
    service: options.service ?? "demo",
    prefix: options.metricPrefix,
  });
  const activity = options.activity ? demoActivity(metrics) : undefined;
  let failing = false;
  // Both outcomes exist from the first scrape, so the first 500 is an increase rate() sees.
  for (const status of ["200", "500"]) {
    metrics.httpRequestsTotal.inc({ method: "GET", route: "/api/orders", status_code: status }, 0);
  }

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://demo");
    const started = process.hrtime.bigint();
    const answer = (status: number, body: string, type = "text/plain") => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    if (request.method === "GET" && url.pathname === "/metrics") {
      activity?.tick();
      answer(200, await registry.metrics(), registry.contentType);
      return;
    }
    if (request.method === "POST" && url.pathname === "/admin/failing") {
      failing = url.searchParams.get("on") === "1";
      answer(200, `failing=${failing}\n`);
      return;
    }
    if (request.method === "GET" && url.pathname === "/api/orders") {
      const status = failing ? 500 : 200;
      if (failing && options.errors) {
        const ids = await options.errors.report(request, new Error("order lookup failed"));
        response.setHeader(CORRELATION_HEADERS.correlationId, ids.correlationId);
        response.setHeader(CORRELATION_HEADERS.traceId, ids.traceId);
      }
      answer(status, failing ? "internal error\n" : '{"orders":[]}\n');
      const labels = { method: "GET", route: "/api/orders", status_code: String(status) };
      metrics.httpRequestsTotal.inc(labels);
      metrics.httpRequestDurationSeconds.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      return;
    }
    answer(404, "not found\n");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    setFailing: (on) => {
      failing = on;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  const [host = "127.0.0.1", port = "8000"] = process.argv.slice(2);
  startDemoService({ host, port: Number(port) }).then((demo) =>
    console.log(`demo service on ${demo.url} (/api/orders, /metrics, POST /admin/failing?on=1)`),
  );
}
