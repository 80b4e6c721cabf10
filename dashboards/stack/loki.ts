/** Loki watching itself: requests per route, errors, latency, refused lines, ingest. */
import { Settings } from "../../config/settings";
import {
  lokiDiscardedSamplesTotal,
  lokiPanicTotal,
  lokiRequestDurationSeconds,
} from "../../metrics/exporters/loki";
import { otelCollector } from "../../metrics/exporters/otel-collector";
import { by, Matchers } from "../../metrics/promql";
import { jobOf } from "../../rules/packs/lib";
import { lokiRouteLatencyP99 } from "../../rules/packs/loki";
import { INSTANCE, loki, prom, timeseries } from "../common";
import { buildDashboard } from "../layout";
import { stream } from "../logql";
import { componentVariables, processMemory, scrapeUp } from "../panels/stack";
import { increase, part, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const LOKI_UID = "stack-loki";

const job = jobOf("loki");
const self = { job, instance: INSTANCE };

const requests = (
  matchers: Matchers<typeof lokiRequestDurationSeconds>,
  window: "5m" | "$__rate_interval",
) =>
  sumBy(
    lokiRequestDurationSeconds,
    ["job", "route"],
    rate(part(lokiRequestDurationSeconds, "count", { ...self, ...matchers }), window),
  );

function requestRate() {
  return timeseries("Requests per second by route", "reqps", [
    prom(requests({}, "$__rate_interval"), { legend: "{{ route }}" }),
  ]);
}

/** The per-route ratio LokiRequestErrors watches. */
function errorRatio(settings: Settings) {
  return timeseries(
    "5xx ratio by route",
    "percentunit",
    [
      prom(`${requests({ status_code: { re: "5.." } }, "5m")} / ${requests({}, "5m")}`, {
        legend: "{{ route }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "LokiRequestErrors"), min: 0 },
  );
}

/** The recorded p99 LokiSlowRequests watches. */
function latency(settings: Settings) {
  return timeseries(
    "p99 latency by route",
    "s",
    [prom(sel(lokiRouteLatencyP99, { job }), { legend: "{{ route }}" })],
    { thresholds: alertThresholds(settings, "above", "LokiSlowRequests"), min: 0 },
  );
}

function discarded(settings: Settings) {
  return timeseries(
    "Refused log lines (5m)",
    "short",
    [
      prom(
        sumBy(
          lokiDiscardedSamplesTotal,
          ["job", "reason", "tenant"],
          increase(sel(lokiDiscardedSamplesTotal, self), "5m"),
        ),
        { legend: "{{ reason }} {{ tenant }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "LokiDiscardedSamples"), min: 0 },
  );
}

function panics(settings: Settings) {
  return timeseries(
    "Panics (10m)",
    "short",
    [
      prom(
        `sum ${by(lokiPanicTotal, "job", "instance")} (${increase(sel(lokiPanicTotal, self), "10m")})`,
        {
          legend: "{{ instance }}",
        },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "LokiRequestPanics"), min: 0 },
  );
}

/** What the collector hands to Loki, from the collector's side. */
function sentByCollector() {
  const metric = otelCollector.exporterSentLogRecords;
  return timeseries("Log records the collector sends to Loki", "ops", [
    prom(
      sumBy(
        metric,
        ["exporter"],
        rate(sel(metric, { job: jobOf("otelCollector"), exporter: { re: ".*loki.*" } })),
      ),
      { legend: "{{ exporter }}" },
    ),
  ]);
}

/** Lines stored per service, from Loki itself. */
function linesByService() {
  return timeseries("Lines stored per service", "short", [
    loki(
      `sum by (service_name) (count_over_time(${stream({ service_name: ["=~", ".+"] })} [$__auto]))`,
      {
        legend: "{{ service_name }}",
      },
    ),
  ]);
}

export function lokiDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: LOKI_UID,
    title: "Stack / Loki",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "loki"],
    description: "Loki itself: requests per route, failures, latency, refused lines and ingest.",
    requires: ["loki"],
    variables: componentVariables(settings, "loki"),
    rows: [
      { panels: [scrapeUp("loki"), processMemory("loki")] },
      {
        title: "Requests",
        panels: [requestRate().span(8), errorRatio(settings).span(8), latency(settings).span(8)],
      },
      {
        title: "Ingest",
        panels: [discarded(settings).span(8), panics(settings).span(8), linesByService().span(8)],
      },
      {
        title: "From the collector",
        requires: ["otelCollector"],
        panels: [sentByCollector().span(24)],
      },
    ],
  });
}
