/**
 * The collector's per-signal metrics by role, as named in the otel-collector and Jaeger catalogs
 * (Jaeger v2 runs the collector's pipeline code). Alert packs and dashboards read both from here.
 */
export type Signal = "spans" | "logRecords" | "metricPoints";

export const PIPELINE_SIGNALS = {
  spans: {
    noun: "Spans",
    text: "spans",
    accepted: "receiverAcceptedSpans",
    refused: "receiverRefusedSpans",
    sent: "exporterSentSpans",
    failed: "exporterSendFailedSpans",
    enqueueFailed: "exporterEnqueueFailedSpans",
    limiterRefused: "memoryLimiterRefusedSpans",
  },
  logRecords: {
    noun: "LogRecords",
    text: "log records",
    accepted: "receiverAcceptedLogRecords",
    refused: "receiverRefusedLogRecords",
    sent: "exporterSentLogRecords",
    failed: "exporterSendFailedLogRecords",
    enqueueFailed: "exporterEnqueueFailedLogRecords",
    limiterRefused: "memoryLimiterRefusedLogRecords",
  },
  metricPoints: {
    noun: "MetricPoints",
    text: "metric points",
    accepted: "receiverAcceptedMetricPoints",
    refused: "receiverRefusedMetricPoints",
    sent: "exporterSentMetricPoints",
    failed: "exporterSendFailedMetricPoints",
    enqueueFailed: "exporterEnqueueFailedMetricPoints",
    limiterRefused: "memoryLimiterRefusedMetricPoints",
  },
} as const satisfies Record<Signal, Record<string, string>>;
