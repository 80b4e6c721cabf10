import { otelcolMetrics } from "./otel-collector";

/**
 * Jaeger v2 (job `jaeger`) is a collector distribution: its pipeline metrics are the
 * collector's. Jaeger 2.13 embeds collector 0.140, which names counters with `_total` when
 * the metrics reader is configured explicitly, as our Jaeger config does.
 */
export const jaegerOtelcol = otelcolMetrics("_total");
