import { gauge, MetricDefinition } from "../types";

/**
 * The OpenTelemetry collector's internal metrics, which Jaeger v2 (built on the collector)
 * exposes too. The collector emits them through the OpenTelemetry Prometheus exporter,
 * whose settings decide whether counters get `_total`:
 *
 * - collector 0.161 applies `without_type_suffix: true` and `without_units: true` even when
 *   the metrics reader is configured explicitly (as our config does): counters have no
 *   `_total`, e.g. `otelcol_exporter_send_failed_spans`;
 * - collectors before the fix for collector#13867 (0.140, which Jaeger 2.13 embeds) left
 *   those options unset when a reader was configured: `otelcol_exporter_send_failed_spans_total`.
 *
 * So the catalog is built per program from the naming its version produces.
 */
export type CounterSuffix = "" | "_total";

/** A monotonic OpenTelemetry sum: a counter, named as the exporter names it. */
function sum<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  suffix: CounterSuffix,
): MetricDefinition<L> {
  return { name: `${name}${suffix}`, help, type: "counter", labelNames };
}

export function otelcolMetrics(suffix: CounterSuffix) {
  const receiver = ["receiver", "transport"] as const;
  const exporter = ["exporter"] as const;
  const queue = ["exporter", "data_type"] as const;
  const processor = ["processor"] as const;
  return {
    receiverAcceptedSpans: sum(
      "otelcol_receiver_accepted_spans",
      "Spans the receiver pushed into the pipeline.",
      receiver,
      suffix,
    ),
    receiverRefusedSpans: sum(
      "otelcol_receiver_refused_spans",
      "Spans the receiver could not push into the pipeline.",
      receiver,
      suffix,
    ),
    receiverAcceptedLogRecords: sum(
      "otelcol_receiver_accepted_log_records",
      "Log records the receiver pushed into the pipeline.",
      receiver,
      suffix,
    ),
    receiverRefusedLogRecords: sum(
      "otelcol_receiver_refused_log_records",
      "Log records the receiver could not push into the pipeline.",
      receiver,
      suffix,
    ),
    receiverAcceptedMetricPoints: sum(
      "otelcol_receiver_accepted_metric_points",
      "Metric points the receiver pushed into the pipeline.",
      receiver,
      suffix,
    ),
    receiverRefusedMetricPoints: sum(
      "otelcol_receiver_refused_metric_points",
      "Metric points the receiver could not push into the pipeline.",
      receiver,
      suffix,
    ),
    exporterSentSpans: sum(
      "otelcol_exporter_sent_spans",
      "Spans sent to the destination.",
      exporter,
      suffix,
    ),
    exporterSendFailedSpans: sum(
      "otelcol_exporter_send_failed_spans",
      "Spans in failed attempts to send to the destination.",
      exporter,
      suffix,
    ),
    exporterSentLogRecords: sum(
      "otelcol_exporter_sent_log_records",
      "Log records sent to the destination.",
      exporter,
      suffix,
    ),
    exporterSendFailedLogRecords: sum(
      "otelcol_exporter_send_failed_log_records",
      "Log records in failed attempts to send to the destination.",
      exporter,
      suffix,
    ),
    exporterSentMetricPoints: sum(
      "otelcol_exporter_sent_metric_points",
      "Metric points sent to the destination.",
      exporter,
      suffix,
    ),
    exporterSendFailedMetricPoints: sum(
      "otelcol_exporter_send_failed_metric_points",
      "Metric points in failed attempts to send to the destination.",
      exporter,
      suffix,
    ),
    exporterEnqueueFailedSpans: sum(
      "otelcol_exporter_enqueue_failed_spans",
      "Spans that could not be added to the sending queue.",
      exporter,
      suffix,
    ),
    exporterEnqueueFailedLogRecords: sum(
      "otelcol_exporter_enqueue_failed_log_records",
      "Log records that could not be added to the sending queue.",
      exporter,
      suffix,
    ),
    exporterEnqueueFailedMetricPoints: sum(
      "otelcol_exporter_enqueue_failed_metric_points",
      "Metric points that could not be added to the sending queue.",
      exporter,
      suffix,
    ),
    exporterQueueSize: gauge(
      "otelcol_exporter_queue_size",
      "Batches in the exporter's sending queue.",
      queue,
    ),
    exporterQueueCapacity: gauge(
      "otelcol_exporter_queue_capacity",
      "Capacity of the exporter's sending queue, in batches.",
      queue,
    ),
    /** The memory_limiter processor refuses data while the collector is over its memory limit. */
    memoryLimiterRefusedSpans: sum(
      "otelcol_processor_memory_limiter_refused_spans",
      "Spans the memory limiter refused.",
      processor,
      suffix,
    ),
    memoryLimiterRefusedLogRecords: sum(
      "otelcol_processor_memory_limiter_refused_log_records",
      "Log records the memory limiter refused.",
      processor,
      suffix,
    ),
    memoryLimiterRefusedMetricPoints: sum(
      "otelcol_processor_memory_limiter_refused_metric_points",
      "Metric points the memory limiter refused.",
      processor,
      suffix,
    ),
    /**
     * Items into and out of each processor, by signal; the difference is what it dropped or
     * filtered. The label keeps its OpenTelemetry name `otel.signal` (Prometheus 3 takes UTF-8
     * label names, and the collector 0.161 sends it unescaped): select it as `{"otel.signal"="logs"}`.
     */
    processorIncomingItems: sum(
      "otelcol_processor_incoming_items",
      "Items passed to the processor.",
      [...processor, "otel.signal"] as const,
      suffix,
    ),
    processorOutgoingItems: sum(
      "otelcol_processor_outgoing_items",
      "Items the processor emitted.",
      [...processor, "otel.signal"] as const,
      suffix,
    ),
  };
}

export type OtelcolMetrics = ReturnType<typeof otelcolMetrics>;

/** The collector at the version the stack deploys (job `otel-collector`). */
export const otelCollector = otelcolMetrics("");
