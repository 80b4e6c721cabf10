/** 003 "Integration Health": traffic, failures and latency of each external integration. */
import { Settings } from "../../config/settings";
import { integrationRequestsTotal } from "../../metrics/application";
import { integrationFailureRatio, integrationLatencyP95 } from "../../rules/packs/support";
import { environmentVariable, prom, SERVICE, serviceVariable, timeseries } from "../common";
import { buildDashboard } from "../layout";
import { rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const INTEGRATION_HEALTH_UID = "integration-health";

function requestRate() {
  return timeseries("Requests per integration", "reqps", [
    prom(
      sumBy(
        integrationRequestsTotal,
        ["integration"],
        rate(sel(integrationRequestsTotal, { service: SERVICE })),
      ),
      { legend: "{{ integration }}" },
    ),
  ]);
}

function outcomes() {
  return timeseries(
    "Outcomes per integration",
    "reqps",
    [
      prom(
        sumBy(
          integrationRequestsTotal,
          ["integration", "status"],
          rate(sel(integrationRequestsTotal, { service: SERVICE })),
        ),
        { legend: "{{ integration }} {{ status }}" },
      ),
    ],
    { stacked: true },
  );
}

/** The failure ratio IntegrationDown watches. */
function failureRatio(settings: Settings) {
  return timeseries(
    "Failure ratio per integration",
    "percentunit",
    [
      prom(sel(integrationFailureRatio, { service: SERVICE }), {
        legend: "{{ service }} {{ integration }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "IntegrationDown"), min: 0, max: 1 },
  );
}

/** The p95 SlowIntegration watches. */
function latencyP95(settings: Settings) {
  return timeseries(
    "Latency p95 per integration",
    "s",
    [
      prom(sel(integrationLatencyP95, { service: SERVICE }), {
        legend: "{{ service }} {{ integration }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "SlowIntegration"), min: 0 },
  );
}

export function integrationHealthDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: INTEGRATION_HEALTH_UID,
    title: "Integration Health",
    folder: "Services",
    tags: ["services", "integrations"],
    description: "Request rate, failure ratio and latency per external integration.",
    variables: [environmentVariable(settings), serviceVariable(integrationRequestsTotal)],
    rows: [
      { title: "Traffic", panels: [requestRate(), outcomes()] },
      { title: "Health", panels: [failureRatio(settings), latencyP95(settings)] },
    ],
  });
}
