import {
  alertmanagerConfigLastReloadSuccessful,
  alertmanagerNotificationsFailedTotal,
  alertmanagerNotificationsTotal,
} from "../../metrics/exporters/alertmanager";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { fires, jobOf, quiet, rate, series, sumBy } from "./lib";

const job = jobOf("alertmanager");

/** Alertmanager watching itself. */
export const alertmanagerPack: RulePack = {
  name: "alertmanager",
  description: "Alertmanager's failed notifications and configuration reloads.",
  groups: [
    {
      name: "alertmanager",
      rules: [
        {
          // Warning, so it routes to Slack: a failing PagerDuty integration cannot page about itself.
          alert: "AlertmanagerFailedToSendAlerts",
          severity: "warning",
          for: "5m",
          threshold: 0.01,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${sumBy(
              alertmanagerNotificationsFailedTotal,
              ["job", "instance", "integration"],
              rate(sel(alertmanagerNotificationsFailedTotal, { job }), "5m"),
            )} / ${sumBy(
              alertmanagerNotificationsTotal,
              ["job", "instance", "integration"],
              rate(sel(alertmanagerNotificationsTotal, { job }), "5m"),
            )} > ${threshold}`,
          summary: "Alertmanager fails to deliver notifications to an integration.",
          description:
            "{{ $value | humanizePercentage }} of the notifications {{ $labels.instance }} sent to {{ $labels.integration }} failed over the last 5 minutes.",
        },
        {
          alert: "AlertmanagerConfigReloadFailed",
          severity: "warning",
          for: "10m",
          expr: () =>
            `max_over_time(${sel(alertmanagerConfigLastReloadSuccessful, { job })}[5m]) == 0`,
          summary: "Alertmanager could not reload its configuration.",
          description:
            "{{ $labels.instance }} routes alerts with an older configuration: the last reload failed. Run amtool check-config on the new one.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "AlertmanagerFailedToSendAlerts above 1% of an integration's notifications",
      interval: "1m",
      inputSeries: [
        series(
          alertmanagerNotificationsTotal,
          { job, instance: "alertmanager:9093", integration: "pagerduty" },
          "0+10x20",
        ),
        series(
          alertmanagerNotificationsFailedTotal,
          { job, instance: "alertmanager:9093", integration: "pagerduty", reason: "serverError" },
          "0+1x20",
        ),
        series(
          alertmanagerNotificationsTotal,
          { job, instance: "alertmanager:9093", integration: "slack" },
          "0+200x20",
        ),
        series(
          alertmanagerNotificationsFailedTotal,
          { job, instance: "alertmanager:9093", integration: "slack", reason: "clientError" },
          "0+1.8x20",
        ),
      ],
      alerts: [
        quiet("AlertmanagerFailedToSendAlerts", "4m"),
        fires("AlertmanagerFailedToSendAlerts", "8m", {
          severity: "warning",
          job,
          instance: "alertmanager:9093",
          integration: "pagerduty",
        }),
      ],
    },
    {
      name: "AlertmanagerConfigReloadFailed after 10 minutes",
      interval: "1m",
      inputSeries: [
        series(
          alertmanagerConfigLastReloadSuccessful,
          { job, instance: "alertmanager:9093" },
          "0x30",
        ),
      ],
      alerts: [
        quiet("AlertmanagerConfigReloadFailed", "9m"),
        fires("AlertmanagerConfigReloadFailed", "11m", {
          severity: "warning",
          job,
          instance: "alertmanager:9093",
        }),
      ],
    },
  ],
};
