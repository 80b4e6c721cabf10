/** The database as the application services see it: shared by System Health and Infrastructure. */
import { Settings } from "../../config/settings";
import {
  dbConnectionsIdle,
  dbErrorsTotal,
  dbQueryDurationSeconds,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import { serviceQueryLatencyP95, servicePoolUtilisation } from "../../rules/packs/database";
import { prom, SERVICE, timeseries } from "../common";
import { part, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

/** The p95 SlowDatabaseQueries watches. */
export function queryLatencyP95(settings: Settings) {
  return timeseries(
    "Database query p95",
    "s",
    [prom(sel(serviceQueryLatencyP95, { service: SERVICE }), { legend: "{{ service }}" })],
    { thresholds: alertThresholds(settings, "above", "SlowDatabaseQueries"), min: 0 },
  );
}

export function poolUtilisation() {
  return timeseries(
    "Connection pool utilisation",
    "percentunit",
    [
      prom(sel(servicePoolUtilisation, { service: SERVICE }), {
        legend: "{{ service }} {{ pool }}",
      }),
    ],
    { min: 0, max: 1 },
  );
}

/** The idle count DatabaseConnectionPoolExhausted watches (it fires below its threshold). */
export function idleConnections(settings: Settings) {
  return timeseries(
    "Idle pool connections",
    "short",
    [
      prom(
        `min ${by(dbConnectionsIdle, "service", "pool")} (${sel(dbConnectionsIdle, { service: SERVICE })})`,
        { legend: "{{ service }} {{ pool }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "below", "DatabaseConnectionPoolExhausted"), min: 0 },
  );
}

/** The ratio HighDatabaseErrorRate watches: failed operations over queries. */
export function queryErrorRatio(settings: Settings) {
  const errors = sumBy(
    dbErrorsTotal,
    ["service"],
    rate(sel(dbErrorsTotal, { service: SERVICE }), "5m"),
  );
  const queries = sumBy(
    dbQueryDurationSeconds,
    ["service"],
    rate(part(dbQueryDurationSeconds, "count", { service: SERVICE }), "5m"),
  );
  return timeseries(
    "Database error ratio",
    "percentunit",
    [prom(`${errors} / ${queries}`, { legend: "{{ service }}" })],
    { thresholds: alertThresholds(settings, "above", "HighDatabaseErrorRate"), min: 0 },
  );
}
