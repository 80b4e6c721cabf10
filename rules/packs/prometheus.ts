import {
  prometheusConfigLastReloadSuccessful,
  prometheusNotificationsAlertmanagersDiscovered,
  prometheusNotificationsDroppedTotal,
  prometheusNotificationsErrorsTotal,
  prometheusNotificationsQueueCapacity,
  prometheusNotificationsQueueLength,
  prometheusNotificationsSentTotal,
  prometheusRuleEvaluationFailuresTotal,
  prometheusRuleGroupIterationsMissedTotal,
  prometheusTsdbCompactionsFailedTotal,
  prometheusTsdbHeadTruncationsFailedTotal,
  prometheusTsdbReloadsFailuresTotal,
  prometheusTsdbRetentionLimitBytes,
  prometheusTsdbStorageBlocksBytes,
  prometheusTsdbWalCorruptionsTotal,
} from "../../metrics/exporters/prometheus";
import { sel } from "../../metrics/promql";
import { MetricDefinition } from "../../metrics/types";
import { AlertRule, RulePack } from "../types";
import { count, percent } from "../text";
import { aggregate, fires, increase, jobOf, quiet, rate, series, sumBy } from "./lib";

const job = jobOf("prometheus");

/** A TSDB operation that failed in the last 3 hours (compactions run every 2 hours). */
function tsdbFailure(alert: string, metric: MetricDefinition, what: string): AlertRule {
  return {
    alert,
    severity: "warning",
    threshold: 0,
    thresholdKind: "count",
    expr: (threshold) => `${increase(sel(metric, { job }), "3h")} > ${threshold}`,
    summary: `Prometheus reports ${what}.`,
    description: `{{ $labels.instance }} had {{ $value | humanize }} ${what} in the last 3 hours. Check its log and the free space of its data volume.`,
  };
}

/** Prometheus watching itself: rules, notifications and storage. */
export const prometheusPack: RulePack = {
  name: "prometheus",
  description:
    "Prometheus' own health: config reloads, rule evaluation, alert delivery and TSDB storage.",
  groups: [
    {
      name: "prometheus",
      rules: [
        {
          alert: "PrometheusConfigReloadFailed",
          severity: "warning",
          for: "10m",
          expr: () =>
            `max_over_time(${sel(prometheusConfigLastReloadSuccessful, { job })}[5m]) == 0`,
          summary: "Prometheus could not reload its configuration.",
          description:
            "{{ $labels.instance }} runs an older configuration: the last reload failed. Run promtool check config on the new one.",
        },
        {
          alert: "PrometheusRuleEvaluationFailures",
          severity: "critical",
          for: "15m",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              prometheusRuleEvaluationFailuresTotal,
              ["job", "instance", "rule_group"],
              increase(sel(prometheusRuleEvaluationFailuresTotal, { job }), "5m"),
            )} > ${threshold}`,
          summary: "Prometheus fails to evaluate rules; alerts may not fire.",
          description:
            "{{ $value | humanize }} evaluations of group {{ $labels.rule_group }} failed on {{ $labels.instance }} in the last 5 minutes.",
        },
        {
          alert: "PrometheusMissedRuleEvaluations",
          severity: "warning",
          for: "15m",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              prometheusRuleGroupIterationsMissedTotal,
              ["job", "instance", "rule_group"],
              increase(sel(prometheusRuleGroupIterationsMissedTotal, { job }), "5m"),
            )} > ${threshold}`,
          summary: "Prometheus skips rule evaluations because they are too slow.",
          description:
            "Group {{ $labels.rule_group }} on {{ $labels.instance }} missed {{ $value | humanize }} evaluations in the last 5 minutes; its rules take longer than its interval.",
        },
        {
          alert: "PrometheusNotificationErrors",
          severity: "warning",
          for: "15m",
          threshold: 0.01,
          thresholdKind: "ratio",
          expr: (threshold) => {
            const ratio = (metric: typeof prometheusNotificationsSentTotal) =>
              sumBy(metric, ["job", "instance", "alertmanager"], rate(sel(metric, { job }), "5m"));
            return `${ratio(prometheusNotificationsErrorsTotal)} / ${ratio(prometheusNotificationsSentTotal)} > ${threshold}`;
          },
          summary: "Prometheus fails to send alerts to an Alertmanager.",
          description:
            "{{ $value | humanizePercentage }} of the alerts {{ $labels.instance }} sent to {{ $labels.alertmanager }} met errors.",
        },
        {
          alert: "PrometheusNotificationsDropped",
          severity: "warning",
          for: "15m",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              prometheusNotificationsDroppedTotal,
              ["job", "instance"],
              increase(sel(prometheusNotificationsDroppedTotal, { job }), "5m"),
            )} > ${threshold}`,
          summary: "Prometheus drops alerts it could not deliver.",
          description:
            "{{ $labels.instance }} dropped {{ $value | humanize }} alerts in the last 5 minutes.",
        },
        {
          alert: "PrometheusNotificationQueueRunningFull",
          severity: "warning",
          for: "15m",
          threshold: 0.9,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${aggregate("max", prometheusNotificationsQueueLength, ["job", "instance"], sel(prometheusNotificationsQueueLength, { job }))} / ${aggregate("max", prometheusNotificationsQueueCapacity, ["job", "instance"], sel(prometheusNotificationsQueueCapacity, { job }))} > ${threshold}`,
          summary: (t) => `Prometheus' alert notification queue is more than ${percent(t)} full.`,
          description:
            "The notification queue of {{ $labels.instance }} is {{ $value | humanizePercentage }} full; alerts will be dropped when it overflows.",
        },
        {
          alert: "PrometheusNotConnectedToAlertmanager",
          severity: "warning",
          for: "10m",
          threshold: 1,
          thresholdKind: "count",
          expr: (threshold) =>
            `max_over_time(${sel(prometheusNotificationsAlertmanagersDiscovered, { job })}[5m]) < ${threshold}`,
          // At the default of 1 the condition is "none at all"; a stack that runs several may ask for more.
          summary: (t) =>
            t === 1
              ? "Prometheus has no Alertmanager to send alerts to."
              : `Prometheus has fewer than ${count(t)} Alertmanagers to send alerts to.`,
          description: (t) =>
            t === 1
              ? "{{ $labels.instance }} has found no Alertmanager; alerts reach nobody."
              : `{{ $labels.instance }} has found {{ $value }} Alertmanagers, fewer than ${count(t)}.`,
        },
        tsdbFailure(
          "PrometheusTSDBCompactionsFailing",
          prometheusTsdbCompactionsFailedTotal,
          "failed TSDB compactions",
        ),
        tsdbFailure(
          "PrometheusTSDBReloadsFailing",
          prometheusTsdbReloadsFailuresTotal,
          "failed TSDB block reloads",
        ),
        tsdbFailure(
          "PrometheusTSDBHeadTruncationsFailing",
          prometheusTsdbHeadTruncationsFailedTotal,
          "failed TSDB head truncations",
        ),
        tsdbFailure(
          "PrometheusTSDBWALCorruptions",
          prometheusTsdbWalCorruptionsTotal,
          "write-ahead-log corruptions",
        ),
        {
          alert: "PrometheusStorageNearSizeLimit",
          severity: "warning",
          for: "30m",
          threshold: 0.8,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${sel(prometheusTsdbStorageBlocksBytes, { job })} / (${sel(prometheusTsdbRetentionLimitBytes, { job })} > 0) > ${threshold}`,
          summary: (t) =>
            `Prometheus' blocks fill more than ${percent(t)} of its size-based retention.`,
          description:
            "The TSDB of {{ $labels.instance }} is at {{ $value | humanizePercentage }} of --storage.tsdb.retention.size; beyond it Prometheus deletes data younger than the time retention.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "rules: PrometheusRuleEvaluationFailures, PrometheusMissedRuleEvaluations",
      interval: "1m",
      inputSeries: [
        series(
          prometheusRuleEvaluationFailuresTotal,
          { job, instance: "prometheus:9090", rule_group: "api" },
          "0+1x30",
        ),
        series(
          prometheusRuleEvaluationFailuresTotal,
          { job, instance: "prometheus:9090", rule_group: "host" },
          "0x30",
        ),
        series(
          prometheusRuleGroupIterationsMissedTotal,
          { job, instance: "prometheus:9090", rule_group: "llm" },
          "0+1x30",
        ),
        series(
          prometheusRuleGroupIterationsMissedTotal,
          { job, instance: "prometheus:9090", rule_group: "api" },
          "0x30",
        ),
      ],
      alerts: [
        quiet("PrometheusRuleEvaluationFailures", "10m"),
        fires("PrometheusRuleEvaluationFailures", "20m", {
          severity: "critical",
          job,
          instance: "prometheus:9090",
          rule_group: "api",
        }),
        fires("PrometheusMissedRuleEvaluations", "20m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
          rule_group: "llm",
        }),
      ],
    },
    {
      name: "notifications: errors above 1%, a queue running full, no Alertmanager",
      interval: "1m",
      inputSeries: [
        series(
          prometheusNotificationsSentTotal,
          {
            job,
            instance: "prometheus:9090",
            alertmanager: "http://alertmanager:9093/api/v2/alerts",
          },
          "0+100x30",
        ),
        series(
          prometheusNotificationsErrorsTotal,
          {
            job,
            instance: "prometheus:9090",
            alertmanager: "http://alertmanager:9093/api/v2/alerts",
          },
          "0+5x30",
        ),
        series(
          prometheusNotificationsQueueLength,
          {
            job,
            instance: "prometheus:9090",
            alertmanager: "http://alertmanager:9093/api/v2/alerts",
          },
          "9500x30",
        ),
        series(
          prometheusNotificationsQueueCapacity,
          { job, instance: "prometheus:9090" },
          "10000x30",
        ),
        series(
          prometheusNotificationsAlertmanagersDiscovered,
          { job, instance: "prometheus:9090" },
          "0x30",
        ),
      ],
      alerts: [
        fires("PrometheusNotificationErrors", "20m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
          alertmanager: "http://alertmanager:9093/api/v2/alerts",
        }),
        fires("PrometheusNotificationQueueRunningFull", "20m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusNotConnectedToAlertmanager", "9m"),
        fires("PrometheusNotConnectedToAlertmanager", "11m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusNotificationsDropped", "20m"),
      ],
    },
    {
      name: "storage: failed compactions, a failed reload, size retention near its limit",
      interval: "1m",
      inputSeries: [
        series(
          prometheusConfigLastReloadSuccessful,
          { job, instance: "prometheus:9090" },
          "1x5 0x30",
        ),
        series(
          prometheusTsdbCompactionsFailedTotal,
          { job, instance: "prometheus:9090" },
          "0x10 1x20",
        ),
        series(prometheusTsdbReloadsFailuresTotal, { job, instance: "prometheus:9090" }, "0x30"),
        series(
          prometheusTsdbHeadTruncationsFailedTotal,
          { job, instance: "prometheus:9090" },
          "0x10 1x20",
        ),
        series(
          prometheusTsdbWalCorruptionsTotal,
          { job, instance: "prometheus:9090" },
          "0x10 2x20",
        ),
        series(
          prometheusNotificationsDroppedTotal,
          {
            job,
            instance: "prometheus:9090",
            alertmanager: "http://alertmanager:9093/api/v2/alerts",
          },
          "0x10 0+5x20",
        ),
        series(
          prometheusTsdbStorageBlocksBytes,
          { job, instance: "prometheus:9090" },
          "8500000000x40",
        ),
        series(
          prometheusTsdbRetentionLimitBytes,
          { job, instance: "prometheus:9090" },
          "10000000000x40",
        ),
      ],
      alerts: [
        quiet("PrometheusConfigReloadFailed", "12m"),
        fires("PrometheusConfigReloadFailed", "25m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusTSDBCompactionsFailing", "9m"),
        fires("PrometheusTSDBCompactionsFailing", "12m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusTSDBReloadsFailing", "20m"),
        fires("PrometheusTSDBHeadTruncationsFailing", "12m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        fires("PrometheusTSDBWALCorruptions", "12m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusNotificationsDropped", "20m"),
        fires("PrometheusNotificationsDropped", "30m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
        quiet("PrometheusStorageNearSizeLimit", "29m"),
        fires("PrometheusStorageNearSizeLimit", "31m", {
          severity: "warning",
          job,
          instance: "prometheus:9090",
        }),
      ],
    },
  ],
};
