import { gauge } from "../types";

/**
 * The blackbox exporter's probe results (0.28), as Prometheus stores them for the error
 * tracker's probe job (components/sentry/probe.ts): one series per probed endpoint
 * (`instance` is its URL), labelled with the tracker's `service` and `tracker` mode.
 */
const labels = ["service", "tracker"] as const;

export const probeSuccess = gauge(
  "probe_success",
  "1 when the probe of the endpoint succeeded (an HTTP 2xx answer), 0 when it failed.",
  labels,
);

export const probeDurationSeconds = gauge(
  "probe_duration_seconds",
  "How long the probe took, connection and answer included.",
  labels,
);

export const probeHttpStatusCode = gauge(
  "probe_http_status_code",
  "The HTTP status the endpoint answered (0 when it did not answer).",
  labels,
);
