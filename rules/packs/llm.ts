import {
  LLM_STATUS,
  llmCostTotal,
  llmRequestsTotal,
  llmTokensTotal,
} from "../../metrics/application";
import { Matchers, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { percent, times } from "../text";
import { fires, quiet, rate, record, recorded, series, sumBy } from "./lib";

// Cost and token rates, shared with the LLM analytics and cost dashboards.
export const serviceLlmCostRate = recorded(
  "service:llm_cost:rate5m",
  "LLM cost in credits per second, per service.",
  ["service"] as const,
);
export const serviceLlmCostRateDay = recorded(
  "service:llm_cost:rate1d",
  "LLM cost in credits per second averaged over 24 hours, per service.",
  ["service"] as const,
);
export const modelLlmTokenRate = recorded(
  "service_model:llm_tokens:rate5m",
  "Tokens per second, per service, model and token type.",
  ["service", "model", "type"] as const,
);
export const providerLlmErrorRatio = recorded(
  "service_provider:llm_request_errors:ratio_rate5m",
  "Share of LLM requests that failed, per service and provider.",
  ["service", "provider"] as const,
);

const llmRequests = (matchers: Matchers<typeof llmRequestsTotal> = {}) =>
  sumBy(llmRequestsTotal, ["service", "provider"], rate(sel(llmRequestsTotal, matchers), "5m"));

/** LLM spend and reliability. */
export const llmPack: RulePack = {
  name: "llm",
  description: "LLM cost spikes against the daily average, token rates and provider errors.",
  groups: [
    {
      name: "llm",
      rules: [
        record(serviceLlmCostRate, sumBy(llmCostTotal, ["service"], rate(sel(llmCostTotal), "5m"))),
        record(
          serviceLlmCostRateDay,
          sumBy(llmCostTotal, ["service"], rate(sel(llmCostTotal), "1d")),
        ),
        record(
          modelLlmTokenRate,
          sumBy(llmTokensTotal, ["service", "model", "type"], rate(sel(llmTokensTotal), "5m")),
        ),
        record(
          providerLlmErrorRatio,
          `${llmRequests({ status: LLM_STATUS.error })} / ${llmRequests()}`,
        ),
        {
          alert: "LLMCostSpike",
          severity: "warning",
          for: "15m",
          threshold: 3,
          thresholdKind: "factor",
          expr: (factor) =>
            `${sel(serviceLlmCostRate)} > ${factor} * ${sel(serviceLlmCostRateDay)}`,
          summary: (factor) =>
            `LLM spending runs at more than ${times(factor)} its 24-hour average.`,
          description:
            "{{ $labels.service }} spends {{ $value | humanize }} credits per second on LLM requests, more than the LLMCostSpike factor times its 24-hour average.",
        },
        {
          alert: "LLMHighErrorRate",
          severity: "warning",
          for: "10m",
          threshold: 0.1,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(providerLlmErrorRatio)} > ${threshold}`,
          summary: (t) => `More than ${percent(t)} of the requests to an LLM provider fail.`,
          description:
            "{{ $value | humanizePercentage }} of {{ $labels.service }}'s requests to {{ $labels.provider }} failed over the last 5 minutes.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "LLMCostSpike: more than 3 times the daily average for 15 minutes",
      interval: "1m",
      inputSeries: [
        // A day at one credit a minute, then a: 5 a minute, b: 2.9 a minute.
        series(
          llmCostTotal,
          { service: "a", model: "gpt", provider: "openai" },
          "0+1x1440 1445+5x40",
        ),
        series(
          llmCostTotal,
          { service: "b", model: "gpt", provider: "openai" },
          "0+1x1440 1443+2.9x40",
        ),
      ],
      alerts: [
        quiet("LLMCostSpike", "1440m"),
        quiet("LLMCostSpike", "1452m"),
        fires("LLMCostSpike", "1470m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "LLMHighErrorRate: more than 10% of a provider's requests fail",
      interval: "1m",
      inputSeries: [
        series(
          llmRequestsTotal,
          { service: "a", model: "m", provider: "openai", status: "success" },
          "0+80x20",
        ),
        series(
          llmRequestsTotal,
          { service: "a", model: "m", provider: "openai", status: "error" },
          "0+20x20",
        ),
        // anthropic: 9 of 101 fail (8.9%).
        series(
          llmRequestsTotal,
          { service: "a", model: "m", provider: "anthropic", status: "success" },
          "0+92x20",
        ),
        series(
          llmRequestsTotal,
          { service: "a", model: "m", provider: "anthropic", status: "error" },
          "0+9x20",
        ),
      ],
      alerts: [
        quiet("LLMHighErrorRate", "9m"),
        fires("LLMHighErrorRate", "12m", { severity: "warning", service: "a", provider: "openai" }),
      ],
    },
  ],
};
