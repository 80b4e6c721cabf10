/** Prometheus watching itself: scrapes, rules, notifications to Alertmanager, storage. */
import { Settings } from "../../config/settings";
import {
  prometheusConfigLastReloadSuccessful,
  prometheusNotificationsAlertmanagersDiscovered,
  prometheusNotificationsDroppedTotal,
  prometheusNotificationsErrorsTotal,
  prometheusNotificationsQueueCapacity,
  prometheusNotificationsQueueLength,
  prometheusNotificationsSentTotal,
  prometheusRuleEvaluationFailuresTotal,
  prometheusRuleEvaluationsTotal,
  prometheusRuleGroupIterationsMissedTotal,
  prometheusTsdbCompactionsFailedTotal,
  prometheusTsdbHeadSeries,
  prometheusTsdbHeadTruncationsFailedTotal,
  prometheusTsdbReloadsFailuresTotal,
  prometheusTsdbRetentionLimitBytes,
  prometheusTsdbStorageBlocksBytes,
  prometheusTsdbWalCorruptionsTotal,
  up,
} from "../../metrics/exporters/prometheus";
import { by } from "../../metrics/promql";
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
import { increase, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const PROMETHEUS_UID = "stack-prometheus";

const job = jobOf("prometheus");
const self = { job, instance: INSTANCE };

function targetsUp() {
  return stat(
    "Targets up, by job",
    "none",
    [prom(`min ${by(up, "job")} (${sel(up)})`, { legend: "{{ job }}", instant: true })],
    { thresholds: UP_COLORS, width: 24, height: 4 },
  ).mappings(UP_MAPPINGS);
}

function configReloaded() {
  return stat(
    "Last config reload",
    "none",
    [
      prom(sel(prometheusConfigLastReloadSuccessful, self), {
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

function ruleEvaluations() {
  return timeseries("Rule evaluations per second", "ops", [
    prom(
      sumBy(
        prometheusRuleEvaluationsTotal,
        ["rule_group"],
        rate(sel(prometheusRuleEvaluationsTotal, self)),
      ),
      { legend: "{{ rule_group }}" },
    ),
  ]);
}

/** The 5-minute counts PrometheusRuleEvaluationFailures and ...MissedRuleEvaluations watch. */
function ruleFailures(settings: Settings) {
  return timeseries(
    "Failed and missed rule evaluations (5m)",
    "short",
    [
      prom(
        sumBy(
          prometheusRuleEvaluationFailuresTotal,
          ["rule_group"],
          increase(sel(prometheusRuleEvaluationFailuresTotal, self), "5m"),
        ),
        { legend: "failed {{ rule_group }}" },
      ),
      prom(
        sumBy(
          prometheusRuleGroupIterationsMissedTotal,
          ["rule_group"],
          increase(sel(prometheusRuleGroupIterationsMissedTotal, self), "5m"),
        ),
        { legend: "missed {{ rule_group }}" },
      ),
    ],
    {
      thresholds: alertThresholds(
        settings,
        "above",
        "PrometheusRuleEvaluationFailures",
        "PrometheusMissedRuleEvaluations",
      ),
      min: 0,
    },
  );
}

/** The error ratio PrometheusNotificationErrors watches. */
function notificationErrors(settings: Settings) {
  const perAlertmanager = (metric: typeof prometheusNotificationsSentTotal) =>
    sumBy(metric, ["job", "instance", "alertmanager"], rate(sel(metric, self), "5m"));
  return timeseries(
    "Alert notification errors",
    "percentunit",
    [
      prom(
        `${perAlertmanager(prometheusNotificationsErrorsTotal)} / ${perAlertmanager(prometheusNotificationsSentTotal)}`,
        { legend: "{{ alertmanager }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "PrometheusNotificationErrors"), min: 0 },
  );
}

function notificationsDropped(settings: Settings) {
  return timeseries(
    "Alerts dropped (5m)",
    "short",
    [
      prom(
        sumBy(
          prometheusNotificationsDroppedTotal,
          ["job", "instance"],
          increase(sel(prometheusNotificationsDroppedTotal, self), "5m"),
        ),
        { legend: "{{ instance }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "PrometheusNotificationsDropped"), min: 0 },
  );
}

function notificationQueue(settings: Settings) {
  const max = (
    metric: typeof prometheusNotificationsQueueLength | typeof prometheusNotificationsQueueCapacity,
  ) => `max ${by(metric, "job", "instance")} (${sel(metric, self)})`;
  return timeseries(
    "Notification queue fill",
    "percentunit",
    [
      prom(
        `${max(prometheusNotificationsQueueLength)} / ${max(prometheusNotificationsQueueCapacity)}`,
        {
          legend: "{{ instance }}",
        },
      ),
    ],
    {
      thresholds: alertThresholds(settings, "above", "PrometheusNotificationQueueRunningFull"),
      min: 0,
      max: 1,
    },
  );
}

/** The count PrometheusNotConnectedToAlertmanager watches (it fires below its threshold). */
function alertmanagersFound(settings: Settings) {
  return stat(
    "Alertmanagers discovered",
    "short",
    [
      prom(sel(prometheusNotificationsAlertmanagersDiscovered, self), {
        legend: "{{ instance }}",
        instant: true,
      }),
    ],
    { thresholds: alertThresholds(settings, "below", "PrometheusNotConnectedToAlertmanager") },
  );
}

function headSeries() {
  return timeseries("Series in the head block", "short", [
    prom(sel(prometheusTsdbHeadSeries, self), { legend: "{{ instance }}" }),
  ]);
}

/** The share PrometheusStorageNearSizeLimit watches (only with a size-based retention). */
function storage(settings: Settings) {
  return timeseries(
    "Blocks against the size retention",
    "percentunit",
    [
      prom(
        `${sel(prometheusTsdbStorageBlocksBytes, self)} / (${sel(prometheusTsdbRetentionLimitBytes, self)} > 0)`,
        { legend: "{{ instance }}" },
      ),
    ],
    {
      description: "Empty when no --storage.tsdb.retention.size is set.",
      thresholds: alertThresholds(settings, "above", "PrometheusStorageNearSizeLimit"),
      min: 0,
      max: 1,
    },
  );
}

function storageBytes() {
  return timeseries("Blocks on disk", "bytes", [
    prom(sel(prometheusTsdbStorageBlocksBytes, self), { legend: "{{ instance }}" }),
  ]);
}

/** The counters the PrometheusTSDB* alerts watch; any increase fires them. */
function tsdbFailures(settings: Settings) {
  const failures = [
    ["compactions", prometheusTsdbCompactionsFailedTotal],
    ["reloads", prometheusTsdbReloadsFailuresTotal],
    ["head truncations", prometheusTsdbHeadTruncationsFailedTotal],
    ["WAL corruptions", prometheusTsdbWalCorruptionsTotal],
  ] as const;
  return timeseries(
    "TSDB failures (5m)",
    "short",
    failures.map(([name, metric]) =>
      prom(`sum ${by(metric, "instance")} (${increase(sel(metric, self), "5m")})`, {
        legend: `${name} {{ instance }}`,
      }),
    ),
    {
      thresholds: alertThresholds(
        settings,
        "above",
        "PrometheusTSDBCompactionsFailing",
        "PrometheusTSDBReloadsFailing",
        "PrometheusTSDBHeadTruncationsFailing",
        "PrometheusTSDBWALCorruptions",
      ),
      min: 0,
    },
  );
}

export function prometheusDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: PROMETHEUS_UID,
    title: "Stack / Prometheus",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "prometheus"],
    description: "Prometheus itself: its targets, rule evaluation, alert delivery and storage.",
    requires: ["prometheus"],
    variables: componentVariables(settings, "prometheus"),
    rows: [
      { panels: [scrapeUp("prometheus"), processMemory("prometheus"), targetsUp()] },
      {
        title: "Rules",
        panels: [configReloaded(), ruleEvaluations().span(9), ruleFailures(settings).span(9)],
      },
      {
        title: "Alert delivery",
        panels: [
          alertmanagersFound(settings).span(6).height(8),
          notificationErrors(settings).span(6),
          notificationsDropped(settings).span(6),
          notificationQueue(settings).span(6),
        ],
      },
      {
        title: "Storage",
        panels: [
          headSeries().span(6),
          storageBytes().span(6),
          storage(settings).span(6),
          tsdbFailures(settings).span(6),
        ],
      },
    ],
  });
}
