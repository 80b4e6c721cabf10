/** The stack at a glance: is each component up, what it holds, and where to look next. */
import { DashboardLinkBuilder, DashboardLinkType } from "@grafana/grafana-foundation-sdk/dashboard";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { enabledComponents, Settings } from "../../config/settings";
import { PROBE_JOB } from "../../components/sentry/probe";
import { processResidentMemoryBytes } from "../../metrics/application";
import { probeSuccess } from "../../metrics/exporters/blackbox";
import { otelCollector } from "../../metrics/exporters/otel-collector";
import { prometheusTsdbHeadSeries, up } from "../../metrics/exporters/prometheus";
import { by } from "../../metrics/promql";
import { jobOf } from "../../rules/packs/lib";
import { environmentVariable, prom, stat, timeseries } from "../common";
import { INFRASTRUCTURE_OVERVIEW_UID } from "../infrastructure/infrastructure-overview";
import { KUBERNETES_WORKLOADS_UID } from "../infrastructure/kubernetes-workloads";
import { buildDashboard } from "../layout";
import { PROCESS_METRICS_COMPONENTS, UP_COLORS, UP_MAPPINGS } from "../panels/stack";
import { rate, sel, sumBy } from "../promql";
import { ALERTMANAGER_UID } from "./alertmanager";
import { GRAFANA_UID } from "./grafana";
import { JAEGER_UID } from "./jaeger";
import { LOKI_UID } from "./loki";
import { OTEL_COLLECTOR_UID } from "./otel-collector";
import { PROMETHEUS_UID } from "./prometheus";

export const STACK_OVERVIEW_UID = "stack-overview";

/** Where to look next for each component: its own dashboard, or the host view for agents. */
const DETAIL_DASHBOARD: Record<ComponentId, string> = {
  prometheus: PROMETHEUS_UID,
  alertmanager: ALERTMANAGER_UID,
  grafana: GRAFANA_UID,
  loki: LOKI_UID,
  jaeger: JAEGER_UID,
  otelCollector: OTEL_COLLECTOR_UID,
  nodeExporter: INFRASTRUCTURE_OVERVIEW_UID,
  cadvisor: INFRASTRUCTURE_OVERVIEW_UID,
  kubeStateMetrics: KUBERNETES_WORKLOADS_UID,
};

/** One stat per enabled component: up when every instance answers its scrape. */
function componentHealth(id: ComponentId) {
  return stat(
    CATALOG[id].displayName,
    "none",
    [prom(`min(${sel(up, { job: jobOf(id) })})`, { instant: true })],
    { thresholds: UP_COLORS, width: 6, height: 4 },
  )
    .mappings(UP_MAPPINGS)
    .links([
      new DashboardLinkBuilder(`${CATALOG[id].displayName} dashboard`)
        .type(DashboardLinkType.Link)
        .url(`/d/${DETAIL_DASHBOARD[id]}`)
        .keepTime(true)
        .includeVars(false),
    ]);
}

/**
 * The error tracker's health: its probe's verdict on every endpoint it checks (Bugsink, or
 * Sentry's web, Relay, Snuba and ClickHouse), with a link to the tracker itself.
 */
function errorTrackerHealth(settings: Settings) {
  const sentry = settings.sentry;
  if (!("services" in sentry)) return undefined;
  const name = sentry.mode === "bugsink" ? "Bugsink" : "Sentry";
  return stat(
    `Error tracker (${name})`,
    "none",
    [prom(`min(${sel(probeSuccess, { job: PROBE_JOB })})`, { instant: true })],
    {
      thresholds: UP_COLORS,
      width: 6,
      height: 4,
      description: `Every health endpoint of ${name} answers its probe (job ${PROBE_JOB}); ErrorTrackerDown fires after 2 minutes down.`,
    },
  )
    .mappings(UP_MAPPINGS)
    .links([
      new DashboardLinkBuilder(name)
        .type(DashboardLinkType.Link)
        .url(sentry.url)
        .targetBlank(true)
        .includeVars(false),
    ]);
}

function targetsUp() {
  return stat(
    "Scrape targets up, by job",
    "none",
    [prom(`sum ${by(up, "job")} (${sel(up)})`, { legend: "{{ job }}", instant: true })],
    { width: 24, height: 4, description: "Instances answering their scrapes, per job." },
  );
}

function memoryByComponent(settings: Settings) {
  const jobs = enabledComponents(settings)
    .filter((component) => PROCESS_METRICS_COMPONENTS.includes(component.id))
    .map((component) => jobOf(component.id));
  if (jobs.length === 0) return undefined;
  return timeseries(
    "Resident memory by component",
    "bytes",
    [
      prom(
        `sum ${by(processResidentMemoryBytes, "job")} (${sel(processResidentMemoryBytes, { job: { re: jobs.join("|") } })})`,
        { legend: "{{ job }}" },
      ),
    ],
    { stacked: true, min: 0 },
  );
}

/** Telemetry entering the stack through the collector, per signal. */
function telemetryIn() {
  const job = jobOf("otelCollector");
  const signals = [
    ["spans", otelCollector.receiverAcceptedSpans],
    ["log records", otelCollector.receiverAcceptedLogRecords],
    ["metric points", otelCollector.receiverAcceptedMetricPoints],
  ] as const;
  return timeseries(
    "Telemetry received by the collector",
    "ops",
    signals.map(([name, metric]) =>
      prom(sumBy(metric, ["job"], rate(sel(metric, { job }))), { legend: name }),
    ),
  );
}

function seriesInPrometheus() {
  return timeseries("Series in Prometheus", "short", [
    prom(sel(prometheusTsdbHeadSeries, { job: jobOf("prometheus") }), { legend: "{{ instance }}" }),
  ]);
}

export function stackOverviewDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: STACK_OVERVIEW_UID,
    title: "Stack overview",
    folder: "Stack",
    tags: ["stack", "self-monitoring"],
    description:
      "Health of every component of the observability stack, with links to each one's dashboard.",
    time: { from: "now-1h", to: "now" },
    variables: [environmentVariable(settings)],
    rows: [
      {
        title: "Components",
        panels: [
          ...enabledComponents(settings).map((component) => componentHealth(component.id)),
          errorTrackerHealth(settings),
        ],
      },
      { panels: [targetsUp()] },
      {
        title: "Load",
        panels: [
          memoryByComponent(settings)?.span(8),
          settings.components.otelCollector.enabled ? telemetryIn().span(8) : undefined,
          seriesInPrometheus().span(8),
        ],
      },
    ],
  });
}
