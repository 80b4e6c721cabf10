import { counter, histogram } from "../types";

/** Loki's own metrics (job `loki`), as of 3.x. */

/** Every HTTP and gRPC request Loki serves; `ws` is "true" for websocket tails. */
export const lokiRequestDurationSeconds = histogram(
  "loki_request_duration_seconds",
  "Time Loki took to serve a request, by route and status code.",
  ["method", "route", "status_code", "ws"] as const,
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100],
);

/** `reason` is e.g. rate_limited, stream_limit, line_too_long, greater_than_max_sample_age. */
export const lokiDiscardedSamplesTotal = counter(
  "loki_discarded_samples_total",
  "Log lines Loki refused, by reason and tenant.",
  ["reason", "tenant"] as const,
);

export const lokiDiscardedBytesTotal = counter(
  "loki_discarded_bytes_total",
  "Bytes of log lines Loki refused, by reason and tenant.",
  ["reason", "tenant"] as const,
);

export const lokiPanicTotal = counter(
  "loki_panic_total",
  "Panics Loki recovered from.",
  [] as const,
);
