import {
  dbConnectionsActive,
  dbConnectionsIdle,
  dbErrorsTotal,
  dbQueryDurationSeconds,
} from "../../metrics/application";
import { up } from "../../metrics/exporters/prometheus";
import { by, part, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { count, percent, seconds } from "../text";
import {
  fires,
  histogramQuantile,
  histogramSeries,
  quiet,
  rate,
  record,
  recorded,
  series,
  sumBy,
} from "./lib";

/**
 * The job name under which a stack scrapes its PostgreSQL exporter (`scrapeJobs` in stack
 * config). DatabaseDown reads it and is rendered only in stacks that have it.
 */
export const POSTGRESQL_EXPORTER_JOB = "postgresql";

// Shared with the database panels of the system health dashboard.
export const serviceQueryLatencyP95 = recorded(
  "service:db_query_duration_seconds:p95_5m",
  "95th percentile of database query duration, per service.",
  ["service"] as const,
);
export const servicePoolUtilisation = recorded(
  "service_pool:db_connections:utilisation",
  "Share of a connection pool's open connections in use.",
  ["service", "pool"] as const,
);

const poolSum = (metric: typeof dbConnectionsActive) =>
  `sum ${by(metric, "service", "pool")} (${sel(metric)})`;

/** The database as the application services see it. */
export const databasePack: RulePack = {
  name: "database",
  description: "Connection pools, slow queries, query errors and the PostgreSQL scrape target.",
  groups: [
    {
      name: "database",
      rules: [
        record(
          serviceQueryLatencyP95,
          histogramQuantile(0.95, dbQueryDurationSeconds, ["service"], "5m"),
        ),
        record(
          servicePoolUtilisation,
          `${poolSum(dbConnectionsActive)} / (${poolSum(dbConnectionsActive)} + ${poolSum(dbConnectionsIdle)})`,
        ),
        {
          alert: "DatabaseConnectionPoolExhausted",
          severity: "warning",
          for: "5m",
          threshold: 2,
          thresholdKind: "count",
          expr: (threshold) =>
            `min ${by(dbConnectionsIdle, "service", "pool")} (${sel(dbConnectionsIdle)}) < ${threshold}`,
          summary: (t) => `A database connection pool has fewer than ${count(t)} idle connections.`,
          description:
            "Pool {{ $labels.pool }} of {{ $labels.service }} has {{ $value }} idle connections; new queries wait for a free one.",
        },
        {
          alert: "SlowDatabaseQueries",
          severity: "warning",
          for: "10m",
          threshold: 1,
          thresholdKind: "seconds",
          expr: (threshold) => `${sel(serviceQueryLatencyP95)} > ${threshold}`,
          summary: (t) => `The 95th percentile of database queries takes more than ${seconds(t)}.`,
          description:
            "95% of {{ $labels.service }}'s queries finish within {{ $value | humanizeDuration }}. Look for missing indexes and lock waits.",
        },
        {
          alert: "HighDatabaseErrorRate",
          severity: "warning",
          for: "5m",
          threshold: 0.05,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${sumBy(dbErrorsTotal, ["service"], rate(sel(dbErrorsTotal), "5m"))} / ${sumBy(
              dbQueryDurationSeconds,
              ["service"],
              rate(part(dbQueryDurationSeconds, "count"), "5m"),
            )} > ${threshold}`,
          summary: (t) => `More than ${percent(t)} of database queries fail.`,
          description:
            "{{ $value | humanizePercentage }} of {{ $labels.service }}'s queries failed over the last 5 minutes.",
        },
        {
          alert: "DatabaseDown",
          severity: "critical",
          for: "1m",
          scrapeJob: POSTGRESQL_EXPORTER_JOB,
          expr: () => `${sel(up, { job: POSTGRESQL_EXPORTER_JOB })} == 0`,
          summary: "PostgreSQL does not answer its scrapes.",
          description:
            "Prometheus cannot scrape {{ $labels.job }} at {{ $labels.instance }} (the PostgreSQL exporter).",
        },
      ],
    },
  ],
  tests: [
    {
      name: "DatabaseConnectionPoolExhausted below 2 idle connections for 5 minutes",
      interval: "1m",
      inputSeries: [
        series(dbConnectionsIdle, { service: "a", pool: "main" }, "1x10"),
        series(dbConnectionsIdle, { service: "b", pool: "main" }, "2x10"),
      ],
      alerts: [
        quiet("DatabaseConnectionPoolExhausted", "4m"),
        fires("DatabaseConnectionPoolExhausted", "6m", {
          severity: "warning",
          service: "a",
          pool: "main",
        }),
      ],
    },
    {
      name: "SlowDatabaseQueries with a p95 above 1 second for 10 minutes",
      interval: "1m",
      inputSeries: [
        // a: every query takes 1.5 s; b: 96% take 0.4 s, so the p95 stays below 0.5 s.
        ...histogramSeries(
          dbQueryDurationSeconds,
          { service: "a", operation: "select" },
          [[1.5, 10]],
          20,
        ),
        ...histogramSeries(
          dbQueryDurationSeconds,
          { service: "b", operation: "select" },
          [
            [0.4, 96],
            [2, 4],
          ],
          20,
        ),
        // c: every query takes 0.9 s: p95 ≈ 0.97 s, just below 1 s.
        ...histogramSeries(
          dbQueryDurationSeconds,
          { service: "c", operation: "select" },
          [[0.9, 10]],
          20,
        ),
      ],
      alerts: [
        quiet("SlowDatabaseQueries", "9m"),
        fires("SlowDatabaseQueries", "12m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "HighDatabaseErrorRate above 5% of queries (a: 10%, b: 4.8%)",
      interval: "1m",
      inputSeries: [
        ...histogramSeries(
          dbQueryDurationSeconds,
          { service: "a", operation: "select" },
          [[0.01, 100]],
          20,
        ),
        series(
          dbErrorsTotal,
          { service: "a", operation: "select", error_type: "deadlock" },
          "0+10x20",
        ),
        ...histogramSeries(
          dbQueryDurationSeconds,
          { service: "b", operation: "select" },
          [[0.01, 100]],
          20,
        ),
        series(
          dbErrorsTotal,
          { service: "b", operation: "select", error_type: "deadlock" },
          "0+4.8x20",
        ),
      ],
      alerts: [
        quiet("HighDatabaseErrorRate", "4m"),
        fires("HighDatabaseErrorRate", "8m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "DatabaseDown after 1 minute without a scrape",
      interval: "1m",
      inputSeries: [
        series(up, { job: POSTGRESQL_EXPORTER_JOB, instance: "postgres-exporter:9187" }, "1 0x10"),
        series(up, { job: "redis", instance: "redis-exporter:9121" }, "0x10"),
      ],
      alerts: [
        quiet("DatabaseDown", "1m"),
        fires("DatabaseDown", "3m", {
          severity: "critical",
          job: POSTGRESQL_EXPORTER_JOB,
          instance: "postgres-exporter:9187",
        }),
      ],
    },
  ],
};
