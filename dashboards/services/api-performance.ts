/** 001 "API performance": the golden signals per service and route, and abuse signals. */
import { Settings } from "../../config/settings";
import {
  authFailuresTotal,
  httpRequestsTotal,
  rateLimitExceededTotal,
} from "../../metrics/application";
import { environmentVariable, prom, SERVICE, serviceVariable, timeseries } from "../common";
import { buildDashboard } from "../layout";
import {
  errorRatioByRoute,
  errorRatioByService,
  errorRatioStat,
  errorsByType,
  latencyP95ByService,
  latencyP95Stat,
  latencyP99ByService,
  payloadSizes,
  requestRateAlerted,
  totalRequestRate,
} from "../panels/http";
import { increase, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const API_PERFORMANCE_UID = "api-performance";

/** The per-second rate HighAuthFailureRate watches. */
function authFailures(settings: Settings) {
  return timeseries(
    "Authentication failures",
    "ops",
    [
      prom(
        sumBy(
          authFailuresTotal,
          ["service"],
          rate(sel(authFailuresTotal, { service: SERVICE }), "5m"),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "HighAuthFailureRate") },
  );
}

/** The per-minute count RateLimitExceeded watches. */
function rateLimited(settings: Settings) {
  return timeseries(
    "Rate-limited requests per minute",
    "short",
    [
      prom(
        sumBy(
          rateLimitExceededTotal,
          ["service"],
          increase(sel(rateLimitExceededTotal, { service: SERVICE }), "1m"),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "RateLimitExceeded") },
  );
}

export function apiPerformanceDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: API_PERFORMANCE_UID,
    title: "API Performance",
    folder: "Services",
    tags: ["services", "http"],
    description:
      "Traffic, errors and latency of the application APIs, with their alert thresholds.",
    variables: [environmentVariable(settings), serviceVariable(httpRequestsTotal)],
    rows: [
      {
        panels: [
          totalRequestRate().span(8),
          errorRatioStat(settings).span(8),
          latencyP95Stat(settings).span(8),
        ],
      },
      { title: "Traffic", panels: [requestRateAlerted(settings), payloadSizes()] },
      {
        title: "Errors",
        panels: [
          errorRatioByService(settings).span(8),
          errorRatioByRoute(settings).span(8),
          errorsByType().span(8),
        ],
      },
      {
        title: "Latency",
        panels: [latencyP95ByService(settings), latencyP99ByService()],
      },
      { title: "Security", panels: [authFailures(settings), rateLimited(settings)] },
    ],
  });
}
