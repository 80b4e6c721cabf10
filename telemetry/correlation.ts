/**
 * The IDs that tie one request's log lines, spans and error reports together (seeds 000 and
 * 004): one correlation ID (UUID4) per request, and the trace ID of its trace.
 */

/** Request headers that carry them between services (lower case, as Node reads headers). */
export const CORRELATION_HEADERS = {
  correlationId: "x-correlation-id",
  traceId: "x-trace-id",
  spanId: "x-span-id",
} as const;

/**
 * Their names as log fields (Loki), span attributes (Jaeger) and error-report tags (Sentry,
 * Bugsink): the same name everywhere, so one search finds a request in all three.
 */
export const CORRELATION_FIELDS = { traceId: "trace_id", correlationId: "correlation_id" } as const;
