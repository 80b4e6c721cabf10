/**
 * Alerts and tests for a telemetry pipeline built on the OpenTelemetry collector: the
 * collector itself and Jaeger v2 share them, each with its own metric naming and job.
 */
import { OtelcolMetrics } from "../../metrics/exporters/otel-collector";
import { PIPELINE_SIGNALS, Signal } from "../../metrics/exporters/pipeline-signals";
import { Matchers, sel } from "../../metrics/promql";
import { LabelsOf, MetricDefinition } from "../../metrics/types";
import { AlertRule, RuleTest } from "../types";
import { percent } from "../text";
import { fires, increase, quiet, rate, series, sumBy } from "./lib";

export type { Signal };

export interface Pipeline {
  /** Alert name prefix, e.g. "OtelCollector". */
  prefix: string;
  displayName: string;
  job: string;
  metrics: OtelcolMetrics;
  signals: Signal[];
  /** The pipelines run the memory_limiter processor. */
  memoryLimiter: boolean;
  /** The exporters have a sending queue (Jaeger's storage exporter has none). */
  queue: boolean;
}

type Keys<F extends keyof (typeof PIPELINE_SIGNALS)[Signal]> = (typeof PIPELINE_SIGNALS)[Signal][F];

/** Items per second, or their growth over 5 minutes, per component (receiver, exporter, ...). */
function perComponent<M extends MetricDefinition>(
  fn: "rate" | "increase",
  metric: M,
  job: string,
  component: LabelsOf<M>,
): string {
  const jobOnly = { job } as Matchers<M>;
  const items = (fn === "rate" ? rate : increase)(sel(metric, jobOnly), "5m");
  return sumBy(metric, ["job", "instance", component], items);
}

/** The share of items that went wrong: `bad / (bad + good)`, per component. */
function failureRatio<M extends MetricDefinition>(
  bad: M,
  good: M,
  job: string,
  component: LabelsOf<M>,
): string {
  const badRate = perComponent("rate", bad, job, component);
  return `${badRate} / (${badRate} + ${perComponent("rate", good, job, component)})`;
}

/** Any signal's counter grew within 5 minutes, per component. */
function anyIncrease<M extends MetricDefinition>(
  metrics: M[],
  job: string,
  component: LabelsOf<M>,
  threshold: number,
): string {
  return metrics
    .map((metric) => `${perComponent("increase", metric, job, component)} > ${threshold}`)
    .join(" or ");
}

export function pipelineAlerts(pipeline: Pipeline): AlertRule[] {
  const { prefix, displayName, metrics, job } = pipeline;
  const signalMetrics = <F extends "enqueueFailed" | "limiterRefused">(field: F) =>
    pipeline.signals.map((signal) => metrics[PIPELINE_SIGNALS[signal][field] as Keys<F>]);
  const perSignal = pipeline.signals.flatMap((signal): AlertRule[] => {
    const { noun, text, accepted, refused, sent, failed } = PIPELINE_SIGNALS[signal];
    return [
      {
        alert: `${prefix}ReceiverRefused${noun}`,
        severity: "warning",
        for: "5m",
        threshold: 0.01,
        thresholdKind: "ratio",
        expr: (threshold) =>
          `${failureRatio(metrics[refused], metrics[accepted], job, "receiver")} > ${threshold}`,
        summary: (t) =>
          `${displayName} refuses more than ${percent(t)} of the ${text} it receives.`,
        description: `Receiver {{ $labels.receiver }} of {{ $labels.instance }} refused {{ $value | humanizePercentage }} of its ${text}: the pipeline behind it pushes back (memory limit, full queue) and clients must retry or lose data.`,
      },
      {
        alert: `${prefix}ExporterFailed${noun}`,
        severity: "warning",
        for: "5m",
        threshold: 0.01,
        thresholdKind: "ratio",
        expr: (threshold) =>
          `${failureRatio(metrics[failed], metrics[sent], job, "exporter")} > ${threshold}`,
        summary: (t) => `${displayName} fails to send more than ${percent(t)} of its ${text}.`,
        description: `Exporter {{ $labels.exporter }} of {{ $labels.instance }} failed to send {{ $value | humanizePercentage }} of its ${text}; check the destination.`,
      },
    ];
  });
  const queueAlerts: AlertRule[] = [
    {
      alert: `${prefix}ExporterQueueFull`,
      severity: "warning",
      for: "5m",
      threshold: 0.8,
      thresholdKind: "ratio",
      expr: (threshold) =>
        `${sel(metrics.exporterQueueSize, { job })} / (${sel(metrics.exporterQueueCapacity, { job })} > 0) > ${threshold}`,
      summary: (t) => `An exporter queue of ${displayName} is more than ${percent(t)} full.`,
      description: `The {{ $labels.data_type }} queue of exporter {{ $labels.exporter }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full; when it is full, new data is dropped.`,
    },
    {
      alert: `${prefix}ExporterEnqueueFailed`,
      severity: "warning",
      threshold: 0,
      thresholdKind: "count",
      expr: (threshold) => anyIncrease(signalMetrics("enqueueFailed"), job, "exporter", threshold),
      summary: `${displayName} drops data because an exporter queue is full.`,
      description: `Exporter {{ $labels.exporter }} of {{ $labels.instance }} could not queue {{ $value | humanize }} items in the last 5 minutes; they are lost.`,
    },
  ];
  return [
    ...perSignal,
    ...(pipeline.queue ? queueAlerts : []),
    ...(pipeline.memoryLimiter
      ? [
          {
            alert: `${prefix}MemoryLimiterRefusing`,
            severity: "warning",
            for: "5m",
            threshold: 0,
            thresholdKind: "count",
            expr: (threshold: number) =>
              anyIncrease(signalMetrics("limiterRefused"), job, "processor", threshold),
            summary: `${displayName} refuses data to stay under its memory limit.`,
            description: `The memory limiter of {{ $labels.instance }} refused {{ $value | humanize }} items in the last 5 minutes: give the collector more memory or send less.`,
          } satisfies AlertRule,
        ]
      : []),
  ];
}

/** For each signal, a component above 1% failures fires and one below stays quiet. */
export function pipelineTests(pipeline: Pipeline): RuleTest[] {
  const { prefix, metrics, job } = pipeline;
  const instance = `${job}:8888`;
  const perSignal = pipeline.signals.map((signal): RuleTest => {
    const { noun, text, accepted, refused, sent, failed } = PIPELINE_SIGNALS[signal];
    return {
      name: `${prefix}: refused and failed ${text} above 1%`,
      interval: "1m",
      inputSeries: [
        // otlp refuses 2%, jaeger 0.9%.
        series(
          metrics[accepted],
          { job, instance, receiver: "otlp", transport: "grpc" },
          "0+980x20",
        ),
        series(metrics[refused], { job, instance, receiver: "otlp", transport: "grpc" }, "0+20x20"),
        series(
          metrics[accepted],
          { job, instance, receiver: "jaeger", transport: "grpc" },
          "0+991x20",
        ),
        series(
          metrics[refused],
          { job, instance, receiver: "jaeger", transport: "grpc" },
          "0+9x20",
        ),
        // otlp/a fails 5%, otlp/b 0.9%.
        series(metrics[sent], { job, instance, exporter: "otlp/a" }, "0+950x20"),
        series(metrics[failed], { job, instance, exporter: "otlp/a" }, "0+50x20"),
        series(metrics[sent], { job, instance, exporter: "otlp/b" }, "0+991x20"),
        series(metrics[failed], { job, instance, exporter: "otlp/b" }, "0+9x20"),
      ],
      alerts: [
        quiet(`${prefix}ReceiverRefused${noun}`, "4m"),
        fires(`${prefix}ReceiverRefused${noun}`, "8m", {
          severity: "warning",
          job,
          instance,
          receiver: "otlp",
        }),
        quiet(`${prefix}ExporterFailed${noun}`, "4m"),
        fires(`${prefix}ExporterFailed${noun}`, "8m", {
          severity: "warning",
          job,
          instance,
          exporter: "otlp/a",
        }),
      ],
    };
  });
  // The memory limiter's case is tested with the queues'; a pipeline without queues has neither.
  if (!pipeline.queue) {
    if (pipeline.memoryLimiter)
      throw new Error(`${prefix}: a memory limiter without exporter queues has no test`);
    return perSignal;
  }
  const first = PIPELINE_SIGNALS[pipeline.signals[0]];
  const queue = { job, instance, data_type: "traces" };
  return [
    ...perSignal,
    {
      name: `${prefix}: a queue above 80%, enqueue failures${pipeline.memoryLimiter ? ", memory limiter" : ""}`,
      interval: "1m",
      inputSeries: [
        series(metrics.exporterQueueSize, { ...queue, exporter: "otlp/a" }, "900x20"),
        series(metrics.exporterQueueCapacity, { ...queue, exporter: "otlp/a" }, "1000x20"),
        series(metrics.exporterQueueSize, { ...queue, exporter: "otlp/b" }, "800x20"),
        series(metrics.exporterQueueCapacity, { ...queue, exporter: "otlp/b" }, "1000x20"),
        // A disabled queue reports capacity 0.
        series(metrics.exporterQueueSize, { ...queue, exporter: "debug" }, "0x20"),
        series(metrics.exporterQueueCapacity, { ...queue, exporter: "debug" }, "0x20"),
        series(metrics[first.enqueueFailed], { job, instance, exporter: "otlp/a" }, "0x5 0+10x15"),
        series(metrics[first.enqueueFailed], { job, instance, exporter: "otlp/b" }, "0x20"),
        ...(pipeline.memoryLimiter
          ? [
              series(
                metrics[first.limiterRefused],
                { job, instance, processor: "memory_limiter" },
                "0+100x20",
              ),
            ]
          : []),
      ],
      alerts: [
        quiet(`${prefix}ExporterQueueFull`, "4m"),
        fires(`${prefix}ExporterQueueFull`, "6m", {
          severity: "warning",
          job,
          instance,
          exporter: "otlp/a",
          data_type: "traces",
        }),
        quiet(`${prefix}ExporterEnqueueFailed`, "5m"),
        fires(`${prefix}ExporterEnqueueFailed`, "8m", {
          severity: "warning",
          job,
          instance,
          exporter: "otlp/a",
        }),
        ...(pipeline.memoryLimiter
          ? [
              quiet(`${prefix}MemoryLimiterRefusing`, "4m"),
              fires(`${prefix}MemoryLimiterRefusing`, "8m", {
                severity: "warning",
                job,
                instance,
                processor: "memory_limiter",
              }),
            ]
          : []),
      ],
    },
  ];
}
