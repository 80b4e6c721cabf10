/** The golden signals of the application services' HTTP APIs, shared by several dashboards. */
import {
  dependencyUp,
  httpErrorsTotal,
  httpRequestDurationSeconds,
  httpRequestsTotal,
  httpRequestSizeBytes,
  httpResponseSizeBytes,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import { MappingType } from "@grafana/grafana-foundation-sdk/dashboard";
import { Settings } from "../../config/settings";
import {
  routeErrorRatio,
  serviceErrorRatio,
  serviceLatencyP95,
  serviceLatencyP99,
  serviceRequestRate,
} from "../../rules/packs/api";
import { barGauge, prom, SERVICE, stat, table, timeseries } from "../common";
import { quantile, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

const requests = (labels: ("service" | "route" | "status_code")[]) =>
  sumBy(httpRequestsTotal, labels, rate(sel(httpRequestsTotal, { service: SERVICE })));

export function requestRateByService() {
  return timeseries("Request rate by service", "reqps", [
    prom(requests(["service"]), { legend: "{{ service }}" }),
  ]);
}

/** The rate HighAPIRequestRate watches (recorded over 5 minutes), with its threshold. */
export function requestRateAlerted(settings: Settings) {
  return timeseries(
    "Request rate (5m) against HighAPIRequestRate",
    "reqps",
    [prom(sel(serviceRequestRate, { service: SERVICE }), { legend: "{{ service }}" })],
    { thresholds: alertThresholds(settings, "above", "HighAPIRequestRate") },
  );
}

export function totalRequestRate() {
  return stat("Requests per second", "reqps", [
    prom(`sum(${rate(sel(httpRequestsTotal, { service: SERVICE }))})`),
  ]);
}

/** The ratio HighAPIErrorRate and CriticalAPIErrorRate watch, per service. */
export function errorRatioByService(settings: Settings) {
  return timeseries(
    "5xx ratio by service",
    "percentunit",
    [prom(sel(serviceErrorRatio, { service: SERVICE }), { legend: "{{ service }}" })],
    {
      thresholds: alertThresholds(settings, "above", "HighAPIErrorRate", "CriticalAPIErrorRate"),
      min: 0,
    },
  );
}

export function errorRatioStat(settings: Settings) {
  return stat(
    "5xx ratio",
    "percentunit",
    [prom(`max(${sel(serviceErrorRatio, { service: SERVICE })})`)],
    {
      thresholds: alertThresholds(settings, "above", "HighAPIErrorRate", "CriticalAPIErrorRate"),
      description: "The worst service's share of requests answered with a 5xx status.",
    },
  );
}

/** The per-route ratio HighErrorRate watches. */
export function errorRatioByRoute(settings: Settings) {
  return timeseries(
    "5xx ratio by route",
    "percentunit",
    [
      prom(`topk(10, ${sel(routeErrorRatio, { service: SERVICE })})`, {
        legend: "{{ service }} {{ route }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "HighErrorRate"), min: 0 },
  );
}

export function responsesByStatus() {
  return timeseries(
    "Responses by status code",
    "reqps",
    [prom(requests(["status_code"]), { legend: "{{ status_code }}" })],
    { stacked: true },
  );
}

export function errorsByType() {
  return timeseries("Unhandled errors by type", "ops", [
    prom(
      sumBy(
        httpErrorsTotal,
        ["service", "error_type"],
        rate(sel(httpErrorsTotal, { service: SERVICE })),
      ),
      { legend: "{{ service }} {{ error_type }}" },
    ),
  ]);
}

/** The p95 SlowAPIResponse and VerySlowAPIResponse watch (recorded over 5 minutes). */
export function latencyP95ByService(settings: Settings) {
  return timeseries(
    "p95 response time by service",
    "s",
    [prom(sel(serviceLatencyP95, { service: SERVICE }), { legend: "{{ service }}" })],
    {
      thresholds: alertThresholds(settings, "above", "SlowAPIResponse", "VerySlowAPIResponse"),
      min: 0,
    },
  );
}

export function latencyP95Stat(settings: Settings) {
  return stat("Slowest p95", "s", [prom(`max(${sel(serviceLatencyP95, { service: SERVICE })})`)], {
    thresholds: alertThresholds(settings, "above", "SlowAPIResponse", "VerySlowAPIResponse"),
  });
}

export function latencyP99ByService() {
  return timeseries("p99 response time by service", "s", [
    prom(sel(serviceLatencyP99, { service: SERVICE }), { legend: "{{ service }}" }),
  ]);
}

/** p50, p90 and p99 over all selected services, at the dashboard's resolution. */
export function latencyPercentiles() {
  return timeseries(
    "Response time percentiles",
    "s",
    [0.5, 0.9, 0.99].map((q) =>
      prom(quantile(q, httpRequestDurationSeconds, [], { service: SERVICE }), {
        legend: `p${q * 100}`,
      }),
    ),
  );
}

export function topRoutes() {
  return table(
    "Top routes by traffic",
    "reqps",
    [
      prom(
        `topk(10, ${sumBy(httpRequestsTotal, ["service", "route"], rate(sel(httpRequestsTotal, { service: SERVICE }), "$__range"))})`,
        { instant: true, format: "table" },
      ),
    ],
    { description: "Average requests per second over the dashboard's time range." },
  );
}

export function slowestRoutes() {
  return barGauge("Slowest routes (p95)", "s", [
    prom(
      `topk(10, ${quantile(0.95, httpRequestDurationSeconds, ["service", "route"], { service: SERVICE }, "5m")})`,
      { legend: "{{ service }} {{ route }}", instant: true },
    ),
  ]);
}

export function payloadSizes() {
  return timeseries("p95 request and response size", "bytes", [
    prom(quantile(0.95, httpRequestSizeBytes, ["service"], { service: SERVICE }), {
      legend: "request {{ service }}",
    }),
    prom(quantile(0.95, httpResponseSizeBytes, ["service"], { service: SERVICE }), {
      legend: "response {{ service }}",
    }),
  ]);
}

/** Readiness as each service's health endpoint reports it: every dependency reachable. */
export function serviceReadiness() {
  return stat(
    "Service readiness",
    "none",
    [
      prom(`min ${by(dependencyUp, "service")} (${sel(dependencyUp, { service: SERVICE })})`, {
        legend: "{{ service }}",
        instant: true,
      }),
    ],
    {
      width: 24,
      description:
        "1 when the service's readiness check reaches all its dependencies (/health/ready), 0 when one fails.",
      thresholds: [
        { value: null, color: "red" },
        { value: 1, color: "green" },
      ],
    },
  ).mappings([
    {
      type: MappingType.ValueToText,
      options: { "0": { text: "not ready", index: 0 }, "1": { text: "ready", index: 1 } },
    },
  ]);
}
