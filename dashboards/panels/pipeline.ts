/**
 * Panels for a telemetry pipeline built on the OpenTelemetry collector: the collector and
 * Jaeger v2 share them, each with its own metric naming, job and alert prefix (the same
 * split as rules/packs/pipeline.ts, whose alerts give the thresholds).
 */
import { Settings } from "../../config/settings";
import { PIPELINE_SIGNALS, Signal } from "../../metrics/exporters/pipeline-signals";
import { OtelcolMetrics } from "../../metrics/exporters/otel-collector";
import { by } from "../../metrics/promql";
import { MetricDefinition } from "../../metrics/types";
import { INSTANCE, prom, timeseries } from "../common";
import { Row } from "../layout";
import { increase, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export type { Signal };

export interface PipelinePanelsOptions {
  /** The alert name prefix of the pipeline's rule pack, e.g. "OtelCollector". */
  alertPrefix: string;
  job: string;
  metrics: OtelcolMetrics;
  signals: Signal[];
  memoryLimiter: boolean;
  /** The exporters have a sending queue (Jaeger's storage exporter has none). */
  queue: boolean;
}

type ReceiverMetric = MetricDefinition<"receiver" | "transport">;
type ExporterMetric = MetricDefinition<"exporter">;

/** Items per second per receiver, as the pipeline alerts count them. */
function received(metric: ReceiverMetric, job: string): string {
  return sumBy(
    metric,
    ["job", "instance", "receiver"],
    rate(sel(metric, { job, instance: INSTANCE }), "5m"),
  );
}

/** Items per second per exporter. */
function exported(metric: ExporterMetric, job: string): string {
  return sumBy(
    metric,
    ["job", "instance", "exporter"],
    rate(sel(metric, { job, instance: INSTANCE }), "5m"),
  );
}

/** The share of items that went wrong, `bad / (bad + good)`, as the pipeline alerts compute it. */
function failureRatio(bad: string, good: string): string {
  return `${bad} / (${bad} + ${good})`;
}

function signalRow(settings: Settings, options: PipelinePanelsOptions, signal: Signal): Row {
  const { noun, text, accepted, refused, sent, failed } = PIPELINE_SIGNALS[signal];
  const { metrics, job, alertPrefix } = options;
  const name = text.charAt(0).toUpperCase() + text.slice(1);
  return {
    title: name,
    panels: [
      timeseries(`${name} received and sent per second`, "ops", [
        prom(received(metrics[accepted], job), {
          legend: "accepted {{ receiver }}",
        }),
        prom(exported(metrics[sent], job), { legend: "sent {{ exporter }}" }),
      ]).span(8),
      timeseries(
        `${name} refused by receivers`,
        "percentunit",
        [
          prom(failureRatio(received(metrics[refused], job), received(metrics[accepted], job)), {
            legend: "{{ receiver }}",
          }),
        ],
        {
          thresholds: alertThresholds(settings, "above", `${alertPrefix}ReceiverRefused${noun}`),
          min: 0,
        },
      ).span(8),
      timeseries(
        `${name} failed by exporters`,
        "percentunit",
        [
          prom(failureRatio(exported(metrics[failed], job), exported(metrics[sent], job)), {
            legend: "{{ exporter }}",
          }),
        ],
        {
          thresholds: alertThresholds(settings, "above", `${alertPrefix}ExporterFailed${noun}`),
          min: 0,
        },
      ).span(8),
    ],
  };
}

function queueRow(settings: Settings, options: PipelinePanelsOptions): Row {
  const { metrics, job, alertPrefix } = options;
  const scope = { job, instance: INSTANCE };
  const dropped = (field: "enqueueFailed" | "limiterRefused") =>
    options.signals.map((signal) => {
      const metric: ExporterMetric | MetricDefinition<"processor"> =
        metrics[PIPELINE_SIGNALS[signal][field]];
      return prom(`sum ${by(metric, "job", "instance")} (${increase(sel(metric, scope), "5m")})`, {
        legend: `${PIPELINE_SIGNALS[signal].text} {{ instance }}`,
      });
    });
  return {
    title: "Queues and memory",
    panels: [
      options.queue
        ? timeseries(
            "Exporter queue fill",
            "percentunit",
            [
              prom(
                `${sel(metrics.exporterQueueSize, scope)} / (${sel(metrics.exporterQueueCapacity, scope)} > 0)`,
                { legend: "{{ exporter }} {{ data_type }}" },
              ),
            ],
            {
              thresholds: alertThresholds(settings, "above", `${alertPrefix}ExporterQueueFull`),
              min: 0,
              max: 1,
            },
          ).span(8)
        : undefined,
      options.queue
        ? timeseries("Items dropped at a full queue (5m)", "short", dropped("enqueueFailed"), {
            thresholds: alertThresholds(settings, "above", `${alertPrefix}ExporterEnqueueFailed`),
            min: 0,
          }).span(8)
        : undefined,
      options.memoryLimiter
        ? timeseries(
            "Items refused by the memory limiter (5m)",
            "short",
            dropped("limiterRefused"),
            {
              thresholds: alertThresholds(settings, "above", `${alertPrefix}MemoryLimiterRefusing`),
              min: 0,
            },
          ).span(8)
        : undefined,
    ],
  };
}

/** One row per signal the pipeline carries, then its queues and memory limiter, if any. */
export function pipelineRows(settings: Settings, options: PipelinePanelsOptions): Row[] {
  return [
    ...options.signals.map((signal) => signalRow(settings, options, signal)),
    ...(options.queue || options.memoryLimiter ? [queueRow(settings, options)] : []),
  ];
}
