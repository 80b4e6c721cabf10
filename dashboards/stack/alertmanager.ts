/** Alertmanager watching itself: notifications per integration, failures, latency. */
import { Settings } from "../../config/settings";
import {
  alertmanagerConfigLastReloadSuccessful,
  alertmanagerNotificationLatencySeconds,
  alertmanagerNotificationRequestsFailedTotal,
  alertmanagerNotificationRequestsTotal,
  alertmanagerNotificationsFailedTotal,
  alertmanagerNotificationsTotal,
} from "../../metrics/exporters/alertmanager";
import { jobOf } from "../../rules/packs/lib";
import { INSTANCE, prom, stat, timeseries } from "../common";
import { buildDashboard } from "../layout";
import {
  componentVariables,
  processMemory,
  scrapeUp,
  UP_COLORS,
  UP_MAPPINGS,
} from "../panels/stack";
import { quantile, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const ALERTMANAGER_UID = "stack-alertmanager";

const job = jobOf("alertmanager");
const self = { job, instance: INSTANCE };

function configReloaded() {
  return stat(
    "Last config reload",
    "none",
    [
      prom(sel(alertmanagerConfigLastReloadSuccessful, self), {
        legend: "{{ instance }}",
        instant: true,
      }),
    ],
    { thresholds: UP_COLORS, width: 6, height: 6 },
  ).mappings([
    {
      type: UP_MAPPINGS[0].type,
      options: { "0": { text: "failed", index: 0 }, "1": { text: "succeeded", index: 1 } },
    },
  ]);
}

function notifications() {
  return timeseries("Notifications per second by integration", "ops", [
    prom(
      sumBy(
        alertmanagerNotificationsTotal,
        ["integration"],
        rate(sel(alertmanagerNotificationsTotal, self)),
      ),
      { legend: "{{ integration }}" },
    ),
  ]);
}

/** The failure ratio AlertmanagerFailedToSendAlerts watches. */
function failureRatio(settings: Settings) {
  const perIntegration = (
    metric: typeof alertmanagerNotificationsTotal | typeof alertmanagerNotificationsFailedTotal,
  ) => sumBy(metric, ["job", "instance", "integration"], rate(sel(metric, self), "5m"));
  return timeseries(
    "Failed notifications",
    "percentunit",
    [
      prom(
        `${perIntegration(alertmanagerNotificationsFailedTotal)} / ${perIntegration(alertmanagerNotificationsTotal)}`,
        { legend: "{{ integration }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "AlertmanagerFailedToSendAlerts"), min: 0 },
  );
}

function requestsFailed() {
  return timeseries("Integration requests, retries included", "ops", [
    prom(
      sumBy(
        alertmanagerNotificationRequestsTotal,
        ["integration"],
        rate(sel(alertmanagerNotificationRequestsTotal, self)),
      ),
      { legend: "sent {{ integration }}" },
    ),
    prom(
      sumBy(
        alertmanagerNotificationRequestsFailedTotal,
        ["integration"],
        rate(sel(alertmanagerNotificationRequestsFailedTotal, self)),
      ),
      { legend: "failed {{ integration }}" },
    ),
  ]);
}

function latency() {
  return timeseries("Notification latency p99", "s", [
    prom(quantile(0.99, alertmanagerNotificationLatencySeconds, ["integration"], self), {
      legend: "{{ integration }}",
    }),
  ]);
}

export function alertmanagerDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: ALERTMANAGER_UID,
    title: "Stack / Alertmanager",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "alertmanager"],
    description: "Alertmanager itself: notifications per integration, their failures and latency.",
    requires: ["alertmanager"],
    variables: componentVariables(settings, "alertmanager"),
    rows: [
      { panels: [scrapeUp("alertmanager"), processMemory("alertmanager")] },
      {
        title: "Notifications",
        panels: [configReloaded(), notifications().span(9), failureRatio(settings).span(9)],
      },
      { title: "Integrations", panels: [requestsFailed(), latency()] },
    ],
  });
}
