import { counter, gauge } from "../types";

/** Series Prometheus itself writes or exposes; `job` and `instance` are added to every target. */
export const up = gauge("up", "1 when the last scrape of the target succeeded.", ["job", "instance"] as const);

export const prometheusRuleEvaluationFailuresTotal = counter(
  "prometheus_rule_evaluation_failures_total",
  "Rule evaluations that failed.",
  ["job", "instance", "rule_group"] as const,
);

export const prometheusNotificationsErrorsTotal = counter(
  "prometheus_notifications_errors_total",
  "Errors sending alert notifications to Alertmanager.",
  ["job", "instance", "alertmanager"] as const,
);

export const prometheusNotificationsSentTotal = counter(
  "prometheus_notifications_sent_total",
  "Alert notifications sent to Alertmanager.",
  ["job", "instance", "alertmanager"] as const,
);
