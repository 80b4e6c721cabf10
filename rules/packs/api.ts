import {
  httpRequestDurationSeconds,
  httpRequestsTotal,
  processResidentMemoryBytes,
  STATUS_CODES,
} from "../../metrics/application";
import { by, Matchers, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { bytes, count, percent, seconds } from "../text";
import {
  fires,
  histogramQuantile,
  histogramSeries,
  quiet,
  rate,
  record,
  recorded,
  series,
  sumBy,
} from "./lib";

// Recorded once, read by the alerts below and by the API performance dashboards.
export const serviceRequestRate = recorded(
  "service:http_requests:rate5m",
  "Requests per second, per service.",
  ["service"] as const,
);
export const serviceErrorRatio = recorded(
  "service:http_request_errors:ratio_rate5m",
  "Share of requests answered with a 5xx status, per service.",
  ["service"] as const,
);
export const routeErrorRatio = recorded(
  "service_route:http_request_errors:ratio_rate5m",
  "Share of requests answered with a 5xx status, per service and route.",
  ["service", "route"] as const,
);
export const serviceLatencyP95 = recorded(
  "service:http_request_duration_seconds:p95_5m",
  "95th percentile of request duration, per service.",
  ["service"] as const,
);
export const serviceLatencyP99 = recorded(
  "service:http_request_duration_seconds:p99_5m",
  "99th percentile of request duration, per service.",
  ["service"] as const,
);

const requests = (
  labels: ("service" | "route")[],
  matchers: Matchers<typeof httpRequestsTotal> = {},
) => sumBy(httpRequestsTotal, labels, rate(sel(httpRequestsTotal, matchers), "5m"));
const serverErrors: Matchers<typeof httpRequestsTotal> = {
  status_code: { re: STATUS_CODES.serverError },
};

/** The golden signals of every application service, and its memory. */
export const apiPack: RulePack = {
  name: "api",
  description:
    "Error ratio, latency and traffic of the application services' HTTP APIs, and their memory.",
  groups: [
    {
      name: "api",
      rules: [
        record(serviceRequestRate, requests(["service"])),
        record(
          serviceErrorRatio,
          `${requests(["service"], serverErrors)} / ${requests(["service"])}`,
        ),
        record(
          routeErrorRatio,
          `${requests(["service", "route"], serverErrors)} / ${requests(["service", "route"])}`,
        ),
        record(
          serviceLatencyP95,
          histogramQuantile(0.95, httpRequestDurationSeconds, ["service"], "5m"),
        ),
        record(
          serviceLatencyP99,
          histogramQuantile(0.99, httpRequestDurationSeconds, ["service"], "5m"),
        ),
        {
          alert: "HighAPIErrorRate",
          severity: "warning",
          family: "api_error_rate",
          for: "5m",
          threshold: 0.01,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(serviceErrorRatio)} > ${threshold}`,
          summary: (t) =>
            `An API answers more than ${percent(t)} of its requests with a server error.`,
          description:
            "{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} failed with a 5xx status over the last 5 minutes (the threshold is a ratio of all requests).",
        },
        {
          alert: "CriticalAPIErrorRate",
          severity: "critical",
          family: "api_error_rate",
          for: "2m",
          threshold: 0.05,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(serviceErrorRatio)} > ${threshold}`,
          summary: (t) =>
            `An API answers more than ${percent(t)} of its requests with a server error.`,
          description:
            "{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} failed with a 5xx status over the last 5 minutes.",
        },
        {
          alert: "HighErrorRate",
          severity: "critical",
          for: "5m",
          threshold: 0.05,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(routeErrorRatio)} > ${threshold}`,
          summary: (t) =>
            `One API route answers more than ${percent(t)} of its requests with a server error.`,
          description:
            "{{ $value | humanizePercentage }} of the requests to {{ $labels.route }} on {{ $labels.service }} failed with a 5xx status over the last 5 minutes, even if the service as a whole looks healthy.",
        },
        {
          alert: "SlowAPIResponse",
          severity: "warning",
          family: "api_latency",
          for: "10m",
          threshold: 0.5,
          thresholdKind: "seconds",
          expr: (threshold) => `${sel(serviceLatencyP95)} > ${threshold}`,
          summary: (t) => `An API's 95th percentile response time is above ${seconds(t)}.`,
          description:
            "95% of the requests to {{ $labels.service }} finish within {{ $value | humanizeDuration }}, slower than the SlowAPIResponse threshold.",
        },
        {
          alert: "VerySlowAPIResponse",
          severity: "critical",
          family: "api_latency",
          for: "5m",
          threshold: 2,
          thresholdKind: "seconds",
          expr: (threshold) => `${sel(serviceLatencyP95)} > ${threshold}`,
          summary: (t) => `An API's 95th percentile response time is above ${seconds(t)}.`,
          description:
            "95% of the requests to {{ $labels.service }} finish within {{ $value | humanizeDuration }}; users are waiting seconds for answers.",
        },
        {
          alert: "HighAPIRequestRate",
          severity: "warning",
          for: "5m",
          threshold: 1000,
          thresholdKind: "perSecond",
          expr: (threshold) => `${sel(serviceRequestRate)} > ${threshold}`,
          summary: (t) => `An API receives more than ${count(t)} requests per second.`,
          description:
            "{{ $labels.service }} receives {{ $value | humanize }} requests per second. Check for a traffic spike, a client retry loop or abuse before scaling.",
        },
        {
          alert: "HighMemoryUsage",
          severity: "warning",
          for: "10m",
          threshold: 2 * 1024 ** 3,
          thresholdKind: "bytes",
          expr: (threshold) =>
            `max ${by(processResidentMemoryBytes, "service", "instance")} (${sel(processResidentMemoryBytes)}) > ${threshold}`,
          summary: (t) => `A service process uses more than ${bytes(t)} of memory.`,
          description:
            "{{ $labels.service }} at {{ $labels.instance }} has used {{ $value | humanize1024 }}B of resident memory.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "error ratio: HighAPIErrorRate, CriticalAPIErrorRate and per-route HighErrorRate",
      interval: "1m",
      inputSeries: [
        // a: 5 of 105 requests fail (4.8%): above 1%, just below 5%.
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/chat", status_code: "200" },
          "0+100x20",
        ),
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/chat", status_code: "500" },
          "0+5x20",
        ),
        // b: 9 of 1009 fail (0.89%): just below 1%.
        series(
          httpRequestsTotal,
          { service: "b", route: "/v1/chat", status_code: "200" },
          "0+1000x20",
        ),
        series(
          httpRequestsTotal,
          { service: "b", route: "/v1/chat", status_code: "503" },
          "0+9x20",
        ),
        // c: one route fails 10 of 110 (9%); another route is healthy and busier.
        series(
          httpRequestsTotal,
          { service: "c", route: "/v1/pay", status_code: "200" },
          "0+100x20",
        ),
        series(
          httpRequestsTotal,
          { service: "c", route: "/v1/pay", status_code: "502" },
          "0+10x20",
        ),
        series(
          httpRequestsTotal,
          { service: "c", route: "/v1/list", status_code: "200" },
          "0+1000x20",
        ),
      ],
      alerts: [
        quiet("HighAPIErrorRate", "4m"),
        fires("HighAPIErrorRate", "10m", { severity: "warning", service: "a" }),
        quiet("CriticalAPIErrorRate", "10m"),
        quiet("HighErrorRate", "5m"),
        fires("HighErrorRate", "10m", { severity: "critical", service: "c", route: "/v1/pay" }),
      ],
    },
    {
      name: "CriticalAPIErrorRate fires after 2 minutes above 5%",
      interval: "1m",
      inputSeries: [
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/chat", status_code: "200" },
          "0+90x10",
        ),
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/chat", status_code: "500" },
          "0+10x10",
        ),
      ],
      alerts: [
        quiet("CriticalAPIErrorRate", "2m"),
        fires("CriticalAPIErrorRate", "4m", { severity: "critical", service: "a" }),
        fires("HighAPIErrorRate", "7m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "latency: SlowAPIResponse and VerySlowAPIResponse from the p95",
      interval: "1m",
      inputSeries: [
        // a: 6% of requests take 0.8 s: p95 ≈ 0.58 s.
        ...histogramSeries(
          httpRequestDurationSeconds,
          { service: "a", route: "/v1/chat" },
          [
            [0.4, 94],
            [0.8, 6],
          ],
          20,
        ),
        // b: 4% take 0.8 s: p95 ≈ 0.497 s, just below 500 ms.
        ...histogramSeries(
          httpRequestDurationSeconds,
          { service: "b", route: "/v1/chat" },
          [
            [0.4, 96],
            [0.8, 4],
          ],
          20,
        ),
        // c: everything takes 3 s.
        ...histogramSeries(
          httpRequestDurationSeconds,
          { service: "c", route: "/v1/chat" },
          [[3, 10]],
          20,
        ),
        // d: everything takes 1.5 s: p95 ≈ 1.95 s, just below 2 s.
        ...histogramSeries(
          httpRequestDurationSeconds,
          { service: "d", route: "/v1/chat" },
          [[1.5, 10]],
          20,
        ),
      ],
      alerts: [
        quiet("SlowAPIResponse", "9m"),
        fires(
          "SlowAPIResponse",
          "12m",
          { severity: "warning", service: "a" },
          { severity: "warning", service: "c" },
          { severity: "warning", service: "d" },
        ),
        quiet("VerySlowAPIResponse", "4m"),
        fires("VerySlowAPIResponse", "7m", { severity: "critical", service: "c" }),
      ],
    },
    {
      name: "traffic: HighAPIRequestRate above 1000 requests per second",
      interval: "1m",
      inputSeries: [
        // a: 61,000 per minute ≈ 1017/s; b: 59,000 per minute ≈ 983/s. The 5m rate reaches
        // its full value after 5 minutes, so a is pending from 5m and fires from 10m.
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/chat", status_code: "200" },
          "0+61000x20",
        ),
        series(
          httpRequestsTotal,
          { service: "b", route: "/v1/chat", status_code: "200" },
          "0+59000x20",
        ),
      ],
      alerts: [
        quiet("HighAPIRequestRate", "8m"),
        fires("HighAPIRequestRate", "12m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "memory: HighMemoryUsage above 2 GiB for 10 minutes",
      interval: "1m",
      inputSeries: [
        series(processResidentMemoryBytes, { service: "a", instance: "a-1" }, "3000000000x15"),
        series(processResidentMemoryBytes, { service: "b", instance: "b-1" }, "2100000000x15"),
      ],
      alerts: [
        quiet("HighMemoryUsage", "9m"),
        fires("HighMemoryUsage", "11m", { severity: "warning", service: "a", instance: "a-1" }),
      ],
    },
  ],
};
