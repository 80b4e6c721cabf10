import {
  lokiDiscardedSamplesTotal,
  lokiPanicTotal,
  lokiRequestDurationSeconds,
} from "../../metrics/exporters/loki";
import { Matchers, part, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { percent, seconds } from "../text";
import {
  fires,
  histogramQuantile,
  histogramSeries,
  increase,
  jobOf,
  quiet,
  rate,
  record,
  recorded,
  series,
  sumBy,
} from "./lib";

const job = jobOf("loki");

export const lokiRouteLatencyP99 = recorded(
  "job_route:loki_request_duration_seconds:p99_5m",
  "99th percentile of Loki request duration per route, websocket tails left out.",
  ["job", "route"] as const,
);

const requests = (matchers: Matchers<typeof lokiRequestDurationSeconds>) =>
  sumBy(
    lokiRequestDurationSeconds,
    ["job", "route"],
    rate(part(lokiRequestDurationSeconds, "count", { job, ...matchers }), "5m"),
  );

/** Loki watching itself. */
export const lokiPack: RulePack = {
  name: "loki",
  description: "Loki's failed and slow requests, refused log lines and panics.",
  groups: [
    {
      name: "loki",
      rules: [
        record(
          lokiRouteLatencyP99,
          histogramQuantile(0.99, lokiRequestDurationSeconds, ["job", "route"], "5m", {
            job,
            ws: "false",
          }),
        ),
        {
          alert: "LokiRequestErrors",
          severity: "warning",
          for: "15m",
          threshold: 0.05,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${requests({ status_code: { re: "5.." } })} / ${requests({})} > ${threshold}`,
          summary: (t) => `More than ${percent(t)} of a Loki route's requests fail.`,
          description:
            "{{ $value | humanizePercentage }} of the requests to {{ $labels.route }} failed over the last 5 minutes: logs are lost or queries fail.",
        },
        {
          alert: "LokiSlowRequests",
          severity: "warning",
          for: "15m",
          threshold: 10,
          thresholdKind: "seconds",
          expr: (threshold) => `${sel(lokiRouteLatencyP99)} > ${threshold}`,
          summary: (t) => `Loki's 99th percentile latency on a route is above ${seconds(t)}.`,
          description:
            "99% of the requests to {{ $labels.route }} finish within {{ $value | humanizeDuration }}.",
        },
        {
          alert: "LokiDiscardedSamples",
          severity: "warning",
          for: "15m",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              lokiDiscardedSamplesTotal,
              ["job", "reason", "tenant"],
              increase(sel(lokiDiscardedSamplesTotal, { job }), "5m"),
            )} > ${threshold}`,
          summary: "Loki refuses log lines.",
          description:
            "Loki discarded {{ $value | humanize }} lines of tenant {{ $labels.tenant }} in the last 5 minutes because of {{ $labels.reason }}.",
        },
        {
          alert: "LokiRequestPanics",
          severity: "warning",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(lokiPanicTotal, ["job", "instance"], increase(sel(lokiPanicTotal, { job }), "10m"))} > ${threshold}`,
          summary: "Loki recovered from a panic.",
          description:
            "{{ $labels.instance }} panicked {{ $value | humanize }} times in the last 10 minutes; see its log for the stack trace.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "LokiRequestErrors above 5% of a route (push 10%, query_range 4.5%), LokiSlowRequests above 10 s",
      interval: "1m",
      inputSeries: [
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_push", status_code: "204", ws: "false" },
          [[0.05, 90]],
          30,
        ),
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_push", status_code: "500", ws: "false" },
          [[0.05, 10]],
          30,
        ),
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_query_range", status_code: "200", ws: "false" },
          [[20, 955]],
          30,
        ),
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_query_range", status_code: "503", ws: "false" },
          [[20, 45]],
          30,
        ),
        // labels: p99 ≈ 9.95 s, just below 10 s.
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_labels", status_code: "200", ws: "false" },
          [[9, 10]],
          30,
        ),
        // Tails stay open for minutes: not slow requests.
        ...histogramSeries(
          lokiRequestDurationSeconds,
          { job, route: "loki_api_v1_tail", status_code: "200", ws: "true" },
          [[90, 5]],
          30,
        ),
      ],
      alerts: [
        quiet("LokiRequestErrors", "14m"),
        fires("LokiRequestErrors", "20m", { severity: "warning", job, route: "loki_api_v1_push" }),
        quiet("LokiSlowRequests", "14m"),
        fires("LokiSlowRequests", "20m", {
          severity: "warning",
          job,
          route: "loki_api_v1_query_range",
        }),
      ],
    },
    {
      name: "LokiDiscardedSamples for 15 minutes, LokiRequestPanics at once",
      interval: "1m",
      inputSeries: [
        series(
          lokiDiscardedSamplesTotal,
          { job, reason: "rate_limited", tenant: "fake" },
          "0+100x30",
        ),
        series(lokiDiscardedSamplesTotal, { job, reason: "line_too_long", tenant: "fake" }, "3x30"),
        series(lokiPanicTotal, { job, instance: "loki:3100" }, "0 0 0 1x30"),
      ],
      alerts: [
        quiet("LokiDiscardedSamples", "14m"),
        fires("LokiDiscardedSamples", "20m", {
          severity: "warning",
          job,
          reason: "rate_limited",
          tenant: "fake",
        }),
        quiet("LokiRequestPanics", "2m"),
        fires("LokiRequestPanics", "5m", { severity: "warning", job, instance: "loki:3100" }),
        quiet("LokiRequestPanics", "15m"),
      ],
    },
  ],
};
