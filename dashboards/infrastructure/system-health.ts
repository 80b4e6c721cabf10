/** 001 "System health": dependencies, the database, memory, queues and webhooks. */
import { MappingType } from "@grafana/grafana-foundation-sdk/dashboard";
import { Settings } from "../../config/settings";
import {
  DEPENDENCY,
  dependencyUp,
  processResidentMemoryBytes,
  queueDepth,
  WEBHOOK_STATUS,
  webhookDeliveriesTotal,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import { environmentVariable, prom, SERVICE, serviceVariable, stat, timeseries } from "../common";
import { buildDashboard } from "../layout";
import {
  idleConnections,
  poolUtilisation,
  queryErrorRatio,
  queryLatencyP95,
} from "../panels/database";
import { serviceReadiness } from "../panels/http";
import { increase, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const SYSTEM_HEALTH_UID = "system-health";

/**
 * One stat per dependency: reachable when any service's readiness check reaches it, the
 * way KeycloakDown, RedisDown, PostgreSQLDown and LiteLLMProxyDown decide.
 */
function dependencies() {
  return stat(
    "Dependencies",
    "none",
    [
      prom(
        `max ${by(dependencyUp, "dependency")} (${sel(dependencyUp, { dependency: { re: Object.values(DEPENDENCY).join("|") } })})`,
        { legend: "{{ dependency }}", instant: true },
      ),
    ],
    {
      width: 24,
      thresholds: [
        { value: null, color: "red" },
        { value: 1, color: "green" },
      ],
    },
  ).mappings([
    {
      type: MappingType.ValueToText,
      options: { "0": { text: "down", index: 0 }, "1": { text: "up", index: 1 } },
    },
  ]);
}

/** The resident memory HighMemoryUsage watches, per process. */
function processMemory(settings: Settings) {
  return timeseries(
    "Service memory (resident)",
    "bytes",
    [
      prom(
        `max ${by(processResidentMemoryBytes, "service", "instance")} (${sel(processResidentMemoryBytes, { service: SERVICE })})`,
        { legend: "{{ service }} {{ instance }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "HighMemoryUsage"), min: 0 },
  );
}

/** The depth WorkerQueueBacklog watches. */
function workerQueues(settings: Settings) {
  return timeseries(
    "Worker queue depth",
    "short",
    [
      prom(`max ${by(queueDepth, "service", "queue")} (${sel(queueDepth, { service: SERVICE })})`, {
        legend: "{{ service }} {{ queue }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "WorkerQueueBacklog"), min: 0 },
  );
}

/** The hourly count WebhookDeliveryFailures watches. */
function webhookFailures(settings: Settings) {
  return timeseries(
    "Failed webhook deliveries (last hour)",
    "short",
    [
      prom(
        sumBy(
          webhookDeliveriesTotal,
          ["service"],
          increase(
            sel(webhookDeliveriesTotal, { service: SERVICE, status: WEBHOOK_STATUS.failed }),
            "1h",
          ),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "WebhookDeliveryFailures"), min: 0 },
  );
}

export function systemHealthDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: SYSTEM_HEALTH_UID,
    title: "System Health",
    folder: "Infrastructure",
    tags: ["infrastructure", "health"],
    description:
      "Readiness of the services and their dependencies, the database, memory, worker queues and webhooks.",
    variables: [environmentVariable(settings), serviceVariable(dependencyUp)],
    rows: [
      { title: "Health", panels: [dependencies(), serviceReadiness()] },
      {
        title: "Database",
        panels: [
          queryLatencyP95(settings),
          queryErrorRatio(settings),
          poolUtilisation(),
          idleConnections(settings),
        ],
      },
      {
        title: "Resources and queues",
        panels: [
          processMemory(settings).span(8),
          workerQueues(settings).span(8),
          webhookFailures(settings).span(8),
        ],
      },
    ],
  });
}
