/**
 * The one list of metrics and panels the live judgement (test/support/judgement.ts) may find
 * without data, each with its reason. Everything a rule, recording rule or dashboard reads
 * that is not listed here must be in the e2e's Prometheus, from the job meant to expose it.
 *
 * - `not-run`: the program that exposes it does not run in the e2e (Loki is AGPL and is
 *   not built; no Grafana server builds here);
 * - `left-out`: the e2e stack leaves the part out on purpose (the error tracker has its own
 *   e2e stack; no PostgreSQL runs in a test);
 * - `conditional`: the exporter only writes it once something happens (an OOM kill, a
 *   failed export). The rule reading it is proven by the promtool test named here instead.
 *
 * An entry that no rule or panel of the judged stack needs any more fails the judgement, so
 * the list cannot outlive its reasons.
 */
export type ExemptionKind = "not-run" | "left-out" | "conditional";

export interface MetricExemption {
  /** Metric names, as rules and panels select them. */
  metrics: readonly string[];
  /** Only selectors of this job (e.g. `up{job="postgresql"}`); default: any. */
  job?: string;
  kind: ExemptionKind;
  reason: string;
  /** `conditional`: when the exporter writes the metric. */
  condition?: string;
  /** `conditional`: the pack and the alert whose promtool test (the pack's tests) proves the rule reading it. */
  promtoolTest?: { pack: string; alert: string };
}

export interface PanelExemption {
  /** Dashboard uid and panel title. */
  dashboard: string;
  panel: string;
  reason: string;
}

const LOKI =
  "Loki does not run in the e2e (its Go module is AGPL and is not built; a collector stands in on its OTLP path and exposes no loki_* metrics). Its config is checked statically (test/unit/loki-config.test.ts).";

export const METRIC_EXEMPTIONS: readonly MetricExemption[] = [
  {
    metrics: [
      "loki_discarded_samples_total",
      "loki_panic_total",
      "loki_request_duration_seconds_bucket",
      "loki_request_duration_seconds_count",
      "job_route:loki_request_duration_seconds:p99_5m",
    ],
    kind: "not-run",
    reason: LOKI,
  },
  {
    metrics: ["up", "process_resident_memory_bytes"],
    job: "loki",
    kind: "not-run",
    reason: `${LOKI} Its stand-in is not scraped as Loki.`,
  },
  {
    metrics: ["probe_success"],
    kind: "left-out",
    reason:
      "The error tracker and its blackbox probe run in test/e2e/error-tracking.test.ts on a stack of their own; the pipeline e2e stack sets sentry.mode disabled.",
  },
  {
    metrics: ["container_oom_events_total"],
    kind: "conditional",
    reason: "cAdvisor writes the series of a container once the kernel has OOM-killed in it.",
    condition: "an OOM kill in a container",
    promtoolTest: { pack: "containers", alert: "ContainerOomKilled" },
  },
  {
    metrics: ["container_cpu_cfs_periods_total", "container_cpu_cfs_throttled_periods_total"],
    kind: "conditional",
    reason: "cAdvisor writes CFS counters only for cgroups with a CPU quota.",
    condition: "a container with a CPU limit",
    promtoolTest: { pack: "containers", alert: "ContainerCpuThrottled" },
  },
  {
    metrics: [
      "otelcol_exporter_send_failed_spans",
      "otelcol_exporter_send_failed_log_records",
      "otelcol_exporter_send_failed_metric_points",
    ],
    kind: "conditional",
    reason:
      "The collector (0.161) creates an exporter's failure counter with its first failed send.",
    condition: "an export to Jaeger, Loki or Prometheus fails",
    promtoolTest: { pack: "otel-collector", alert: "OtelCollectorExporterFailedSpans" },
  },
  {
    metrics: [
      "otelcol_exporter_enqueue_failed_spans",
      "otelcol_exporter_enqueue_failed_log_records",
      "otelcol_exporter_enqueue_failed_metric_points",
    ],
    kind: "conditional",
    reason: "The collector creates the counter when a sending queue first refuses an item.",
    condition: "an exporter's sending queue is full",
    promtoolTest: { pack: "otel-collector", alert: "OtelCollectorExporterEnqueueFailed" },
  },
  {
    metrics: [
      "otelcol_processor_memory_limiter_refused_spans",
      "otelcol_processor_memory_limiter_refused_log_records",
      "otelcol_processor_memory_limiter_refused_metric_points",
    ],
    kind: "conditional",
    reason: "The memory limiter creates the counter when it first refuses data.",
    condition: "the collector is over its memory limit",
    promtoolTest: { pack: "otel-collector", alert: "OtelCollectorMemoryLimiterRefusing" },
  },
];

export const PANEL_EXEMPTIONS: readonly PanelExemption[] = [
  {
    dashboard: "stack-prometheus",
    panel: "Blocks against the size retention",
    reason:
      "The ratio divides by prometheus_tsdb_retention_limit_bytes > 0, which is 0 unless --storage.tsdb.retention.size is set; the stack sets a time-based retention only (components/prometheus/config.ts), so the panel stays empty until a size limit is configured.",
  },
];
