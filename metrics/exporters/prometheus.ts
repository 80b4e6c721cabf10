import { counter, gauge } from "../types";

/** Series Prometheus itself writes or exposes; `job` and `instance` are added to every target. */
export const up = gauge("up", "1 when the last scrape of the target succeeded.", [
  "job",
  "instance",
] as const);

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

export const prometheusNotificationsDroppedTotal = counter(
  "prometheus_notifications_dropped_total",
  "Alerts dropped because sending to Alertmanager failed.",
  ["job", "instance", "alertmanager"] as const,
);

export const prometheusNotificationsQueueLength = gauge(
  "prometheus_notifications_queue_length",
  "Alerts waiting in the notification queue.",
  ["job", "instance", "alertmanager"] as const,
);

export const prometheusNotificationsQueueCapacity = gauge(
  "prometheus_notifications_queue_capacity",
  "Capacity of the notification queue.",
  ["job", "instance"] as const,
);

export const prometheusNotificationsAlertmanagersDiscovered = gauge(
  "prometheus_notifications_alertmanagers_discovered",
  "Alertmanagers Prometheus has found and sends to.",
  ["job", "instance"] as const,
);

export const prometheusConfigLastReloadSuccessful = gauge(
  "prometheus_config_last_reload_successful",
  "1 when the last configuration reload succeeded.",
  ["job", "instance"] as const,
);

export const prometheusRuleEvaluationsTotal = counter(
  "prometheus_rule_evaluations_total",
  "Rule evaluations.",
  ["job", "instance", "rule_group"] as const,
);

export const prometheusRuleGroupIterationsMissedTotal = counter(
  "prometheus_rule_group_iterations_missed_total",
  "Rule group evaluations skipped because the previous one was still running.",
  ["job", "instance", "rule_group"] as const,
);

export const prometheusRuleGroupIterationsTotal = counter(
  "prometheus_rule_group_iterations_total",
  "Rule group evaluations scheduled, run or missed.",
  ["job", "instance", "rule_group"] as const,
);

export const prometheusTsdbCompactionsFailedTotal = counter(
  "prometheus_tsdb_compactions_failed_total",
  "TSDB compactions that failed.",
  ["job", "instance"] as const,
);

export const prometheusTsdbReloadsFailuresTotal = counter(
  "prometheus_tsdb_reloads_failures_total",
  "Failed reloads of TSDB blocks from disk.",
  ["job", "instance"] as const,
);

export const prometheusTsdbWalCorruptionsTotal = counter(
  "prometheus_tsdb_wal_corruptions_total",
  "Write-ahead-log corruptions found.",
  ["job", "instance"] as const,
);

export const prometheusTsdbHeadTruncationsFailedTotal = counter(
  "prometheus_tsdb_head_truncations_failed_total",
  "Failed truncations of the in-memory head block.",
  ["job", "instance"] as const,
);

export const prometheusTsdbStorageBlocksBytes = gauge(
  "prometheus_tsdb_storage_blocks_bytes",
  "Bytes the persisted TSDB blocks take on disk.",
  ["job", "instance"] as const,
);

/** 0 when no size-based retention (`--storage.tsdb.retention.size`) is set. */
export const prometheusTsdbRetentionLimitBytes = gauge(
  "prometheus_tsdb_retention_limit_bytes",
  "Size-based retention limit.",
  ["job", "instance"] as const,
);

export const prometheusTsdbHeadSeries = gauge(
  "prometheus_tsdb_head_series",
  "Series in the in-memory head block.",
  ["job", "instance"] as const,
);
