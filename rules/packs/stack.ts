import { up } from "../../metrics/exporters/prometheus";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";

/** Alerts about the stack as a whole; every stack has them. */
export const stackPack: RulePack = {
  name: "stack",
  description: "Watchdog and scrape-target health, for every component of the stack.",
  groups: [
    {
      name: "stack",
      rules: [
        {
          alert: "Watchdog",
          severity: "info",
          expr: () => "vector(1)",
          labels: { watchdog: "true" },
          summary: "Always firing: proves the alerting pipeline works end to end.",
          description:
            "This alert fires all the time. If the dead-man's-switch receiver stops hearing it, Prometheus or Alertmanager is down.",
        },
        {
          alert: "TargetDown",
          severity: "warning",
          for: "5m",
          threshold: 0,
          thresholdKind: "state",
          expr: (threshold) => `${sel(up)} == ${threshold}`,
          summary: "A scrape target is down.",
          description:
            "{{ $labels.job }} at {{ $labels.instance }} has not answered scrapes for 5 minutes.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "Watchdog always fires; TargetDown waits 5 minutes",
      interval: "1m",
      inputSeries: [
        { series: sel(up, { job: "loki", instance: "loki:3100" }), values: "0x10" },
        { series: sel(up, { job: "grafana", instance: "grafana:3000" }), values: "1x10" },
      ],
      alerts: [
        {
          evalTime: "1m",
          alertname: "Watchdog",
          expect: [{ labels: { severity: "info", watchdog: "true" } }],
        },
        { evalTime: "4m", alertname: "TargetDown", expect: [] },
        {
          evalTime: "6m",
          alertname: "TargetDown",
          expect: [{ labels: { severity: "warning", job: "loki", instance: "loki:3100" } }],
        },
      ],
    },
  ],
};
