import { CounterSuffix, otelcolMetrics } from "./otel-collector";

/**
 * Jaeger v2 (job `jaeger`) is a collector distribution: its pipeline metrics are the
 * collector's. Jaeger 2.13 embeds collector 0.140, which names counters with `_total` when
 * the metrics reader is configured explicitly, as our Jaeger config does.
 */
export const JAEGER_COUNTER_SUFFIX: CounterSuffix = "_total";

const named = otelcolMetrics(JAEGER_COUNTER_SUFFIX);

/**
 * What Jaeger 2.13 exposes of them (test/tools/exporter-catalog.test.ts): only a span
 * pipeline, and its storage exporter has no sending queue, so there are no queue, enqueue,
 * memory limiter or processor item metrics, and none for logs or metric points.
 */
export const jaegerOtelcol = {
  receiverAcceptedSpans: named.receiverAcceptedSpans,
  receiverRefusedSpans: named.receiverRefusedSpans,
  exporterSentSpans: named.exporterSentSpans,
  exporterSendFailedSpans: named.exporterSendFailedSpans,
};
