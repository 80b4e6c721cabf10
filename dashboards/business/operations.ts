/** 003 "Operations": the support floor now — conversations, queues, messages, response times. */
import { Settings } from "../../config/settings";
import { CONVERSATION_STATUS, conversationsActive, messagesTotal } from "../../metrics/application";
import { teamFirstResponseP95, teamQueuedConversations } from "../../rules/packs/support";
import {
  barGauge,
  environmentVariable,
  gauge,
  prom,
  SERVICE,
  serviceVariable,
  timeseries,
} from "../common";
import { buildDashboard } from "../layout";
import { errorRatioByService } from "../panels/http";
import { rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const OPERATIONS_UID = "operations";

function activeConversations() {
  return gauge("Active conversations", "short", [
    prom(
      `sum(${sel(conversationsActive, { service: SERVICE, status: CONVERSATION_STATUS.assigned })})`,
      { instant: true },
    ),
  ]);
}

function activeByTeam() {
  return barGauge(
    "Assigned conversations by team",
    "short",
    [
      prom(
        sumBy(
          conversationsActive,
          ["team"],
          sel(conversationsActive, { service: SERVICE, status: CONVERSATION_STATUS.assigned }),
        ),
        { legend: "{{ team }}", instant: true },
      ),
    ],
    { width: 9, height: 6 },
  );
}

/** The per-team backlog QueueBacklog watches. */
function queueBacklog(settings: Settings) {
  return barGauge(
    "Queue backlog by team",
    "short",
    [
      prom(sel(teamQueuedConversations, { service: SERVICE }), {
        legend: "{{ team }}",
        instant: true,
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "QueueBacklog"), width: 9, height: 6 },
  );
}

function messagesPerHour() {
  return timeseries("Messages per hour", "short", [
    prom(
      `${sumBy(messagesTotal, ["direction", "channel"], rate(sel(messagesTotal, { service: SERVICE })))} * 3600`,
      { legend: "{{ direction }} {{ channel }}" },
    ),
  ]);
}

/** The p95 SlowFRT watches, per team. */
function firstResponseP95(settings: Settings) {
  return timeseries(
    "First response time p95 by team",
    "s",
    [prom(sel(teamFirstResponseP95, { service: SERVICE }), { legend: "{{ team }}" })],
    { thresholds: alertThresholds(settings, "above", "SlowFRT"), min: 0 },
  );
}

export function operationsDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: OPERATIONS_UID,
    title: "Operations",
    folder: "Business",
    tags: ["business", "support"],
    description: "Active and queued conversations, message volume, first response time and errors.",
    variables: [environmentVariable(settings), serviceVariable(conversationsActive)],
    rows: [
      { panels: [activeConversations(), activeByTeam(), queueBacklog(settings)] },
      { title: "Flow", panels: [messagesPerHour(), firstResponseP95(settings)] },
      { title: "Errors", panels: [errorRatioByService(settings).span(24)] },
    ],
  });
}
