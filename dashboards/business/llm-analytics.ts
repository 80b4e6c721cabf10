/** 001 "LLM analytics": requests, errors, tokens, latency and cost per model and provider. */
import { Settings } from "../../config/settings";
import {
  llmCostTotal,
  llmRequestDurationSeconds,
  llmRequestsTotal,
} from "../../metrics/application";
import {
  modelLlmTokenRate,
  providerLlmErrorRatio,
  serviceLlmCostRate,
  serviceLlmCostRateDay,
} from "../../rules/packs/llm";
import { environmentVariable, prom, SERVICE, serviceVariable, table, timeseries } from "../common";
import { buildDashboard } from "../layout";
import { increase, quantile, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const LLM_ANALYTICS_UID = "llm-analytics";

function requestsByModel() {
  return timeseries(
    "LLM requests by model",
    "reqps",
    [
      prom(
        sumBy(
          llmRequestsTotal,
          ["model", "status"],
          rate(sel(llmRequestsTotal, { service: SERVICE })),
        ),
        { legend: "{{ model }} {{ status }}" },
      ),
    ],
    { stacked: true },
  );
}

/** The ratio LLMHighErrorRate watches, per provider. */
function errorRatioByProvider(settings: Settings) {
  return timeseries(
    "LLM error ratio by provider",
    "percentunit",
    [
      prom(sel(providerLlmErrorRatio, { service: SERVICE }), {
        legend: "{{ service }} {{ provider }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "LLMHighErrorRate"), min: 0 },
  );
}

function tokensByModel() {
  return timeseries(
    "Tokens per second by model",
    "suffix: tokens/s",
    [
      prom(
        sumBy(modelLlmTokenRate, ["model", "type"], sel(modelLlmTokenRate, { service: SERVICE })),
        { legend: "{{ model }} {{ type }}" },
      ),
    ],
    { stacked: true },
  );
}

function latencyByModel() {
  return timeseries("LLM request p95 by model", "s", [
    prom(quantile(0.95, llmRequestDurationSeconds, ["model"], { service: SERVICE }), {
      legend: "{{ model }}",
    }),
  ]);
}

function costRate() {
  return timeseries("LLM cost per hour", "suffix: credits/h", [
    prom(`${sel(serviceLlmCostRate, { service: SERVICE })} * 3600`, {
      legend: "now {{ service }}",
    }),
    prom(`${sel(serviceLlmCostRateDay, { service: SERVICE })} * 3600`, {
      legend: "24 h average {{ service }}",
    }),
  ]);
}

/** The factor LLMCostSpike watches: the 5-minute cost rate over the 24-hour average. */
function costSpikeFactor(settings: Settings) {
  return timeseries(
    "Cost against its 24 h average",
    "suffix:×",
    [
      prom(
        `${sel(serviceLlmCostRate, { service: SERVICE })} / ${sel(serviceLlmCostRateDay, { service: SERVICE })}`,
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "LLMCostSpike"), min: 0 },
  );
}

function costByModel() {
  return table("Cost by model and provider (time range)", "suffix: credits", [
    prom(
      sumBy(
        llmCostTotal,
        ["model", "provider"],
        increase(sel(llmCostTotal, { service: SERVICE }), "$__range"),
      ),
      { instant: true, format: "table" },
    ),
  ]);
}

export function llmAnalyticsDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: LLM_ANALYTICS_UID,
    title: "LLM Analytics",
    folder: "Business",
    tags: ["business", "llm"],
    description: "LLM traffic, reliability, token use, latency and cost per model and provider.",
    variables: [environmentVariable(settings), serviceVariable(llmRequestsTotal)],
    rows: [
      { title: "Traffic", panels: [requestsByModel(), errorRatioByProvider(settings)] },
      { title: "Tokens and latency", panels: [tokensByModel(), latencyByModel()] },
      { title: "Cost", panels: [costRate(), costSpikeFactor(settings), costByModel().span(24)] },
    ],
  });
}
