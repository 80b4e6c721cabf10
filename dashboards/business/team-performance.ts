/** 003 "Team Performance": what each team handled, how fast, and how loaded its agents are. */
import { Settings } from "../../config/settings";
import {
  agentActiveConversations,
  conversationsTotal,
  firstResponseTimeSeconds,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import { teamFirstResponseP95 } from "../../rules/packs/support";
import {
  barGauge,
  environmentVariable,
  gauge,
  prom,
  SERVICE,
  serviceVariable,
  stat,
  timeseries,
} from "../common";
import { buildDashboard } from "../layout";
import { increase, mean, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const TEAM_PERFORMANCE_UID = "team-performance";

function conversationsHandled() {
  return stat(
    "Conversations by team (time range)",
    "short",
    [
      prom(
        sumBy(
          conversationsTotal,
          ["team"],
          increase(sel(conversationsTotal, { service: SERVICE }), "$__range"),
        ),
        { legend: "{{ team }}", instant: true },
      ),
    ],
    { width: 24 },
  );
}

function meanFirstResponse() {
  return gauge(
    "Average first response time by team",
    "s",
    [
      prom(mean(firstResponseTimeSeconds, ["team"], { service: SERVICE }, "$__range"), {
        legend: "{{ team }}",
        instant: true,
      }),
    ],
    { width: 12, height: 8 },
  );
}

/** The p95 SlowFRT watches. */
function firstResponseP95(settings: Settings) {
  return timeseries(
    "First response time p95 by team",
    "s",
    [prom(sel(teamFirstResponseP95, { service: SERVICE }), { legend: "{{ team }}" })],
    { thresholds: alertThresholds(settings, "above", "SlowFRT"), min: 0 },
  );
}

const agentLoad = `avg ${by(agentActiveConversations, "agent_id", "team")} (${sel(agentActiveConversations, { service: SERVICE })})`;

/** The per-agent load HighAgentLoad watches, busiest first. */
function busiestAgents(settings: Settings) {
  return barGauge(
    "Busiest agents (active conversations)",
    "short",
    [prom(`topk(15, ${agentLoad})`, { legend: "{{ team }} {{ agent_id }}", instant: true })],
    { thresholds: alertThresholds(settings, "above", "HighAgentLoad"), height: 10 },
  );
}

function agentLoadOverTime(settings: Settings) {
  return timeseries(
    "Agent load over time",
    "short",
    [prom(agentLoad, { legend: "{{ agent_id }}" })],
    { thresholds: alertThresholds(settings, "above", "HighAgentLoad"), height: 10, min: 0 },
  );
}

export function teamPerformanceDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: TEAM_PERFORMANCE_UID,
    title: "Team Performance",
    folder: "Business",
    tags: ["business", "support"],
    description: "Conversations handled, first response times and agent load, per team.",
    variables: [environmentVariable(settings), serviceVariable(conversationsTotal)],
    rows: [
      { panels: [conversationsHandled()] },
      { title: "Response times", panels: [meanFirstResponse(), firstResponseP95(settings)] },
      { title: "Agents", panels: [busiestAgents(settings), agentLoadOverTime(settings)] },
    ],
  });
}
