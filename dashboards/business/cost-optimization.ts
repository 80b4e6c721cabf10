/** 004 "Cost Optimization": AI spend, who it is for, efficiency, forecasts and the stack's own budget. */
import { budgetUse } from "../../config/budget";
import { parseMemory } from "../../config/quantity";
import { enabledComponents, Settings } from "../../config/settings";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import {
  creditBalance,
  creditUsageTotal,
  llmCostTotal,
  llmRequestsTotal,
  llmTokensTotal,
  processResidentMemoryBytes,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import {
  barGauge,
  environmentVariable,
  prom,
  SERVICE,
  serviceVariable,
  stat,
  timeseries,
} from "../common";
import { buildDashboard } from "../layout";
import { PROCESS_METRICS_COMPONENTS } from "../panels/stack";
import { increase, rate, sel, sumBy } from "../promql";

export const COST_OPTIMIZATION_UID = "cost-optimization";

function costByProviderAndModel() {
  return timeseries(
    "AI spend per hour by provider and model",
    "suffix: credits/h",
    [
      prom(
        `${sumBy(llmCostTotal, ["provider", "model"], rate(sel(llmCostTotal, { service: SERVICE })))} * 3600`,
        { legend: "{{ provider }} {{ model }}" },
      ),
    ],
    { stacked: true },
  );
}

/** Cost centres: which service spent the credits over the time range. */
function costByService() {
  return barGauge("AI spend by service (time range)", "suffix: credits", [
    prom(
      sumBy(
        llmCostTotal,
        ["service"],
        increase(sel(llmCostTotal, { service: SERVICE }), "$__range"),
      ),
      { legend: "{{ service }}", instant: true },
    ),
  ]);
}

function creditsByOrganisation() {
  return barGauge("Credits used by organisation (time range, top 10)", "suffix: credits", [
    prom(
      `topk(10, ${sumBy(creditUsageTotal, ["organization_id"], increase(sel(creditUsageTotal, { service: SERVICE }), "$__range"))})`,
      { legend: "{{ organization_id }}", instant: true },
    ),
  ]);
}

function costPerThousandTokens() {
  const cost = sumBy(llmCostTotal, ["model"], rate(sel(llmCostTotal, { service: SERVICE })));
  const tokens = sumBy(llmTokensTotal, ["model"], rate(sel(llmTokensTotal, { service: SERVICE })));
  return timeseries("Cost per 1,000 tokens by model", "suffix: credits", [
    prom(`${cost} / ${tokens} * 1000`, { legend: "{{ model }}" }),
  ]);
}

function tokensPerRequest() {
  const tokens = sumBy(llmTokensTotal, ["model"], rate(sel(llmTokensTotal, { service: SERVICE })));
  const requests = sumBy(
    llmRequestsTotal,
    ["model"],
    rate(sel(llmRequestsTotal, { service: SERVICE })),
  );
  return timeseries("Tokens per request by model", "short", [
    prom(`${tokens} / ${requests}`, { legend: "{{ model }}" }),
  ]);
}

/** Tomorrow's AI spend if the last 6 hours' rate holds. */
function projectedDailySpend() {
  return stat("Projected AI spend, next 24 h", "suffix: credits", [
    prom(`sum(${rate(sel(llmCostTotal, { service: SERVICE }), "6h")}) * 86400`, { instant: true }),
  ]);
}

/** Balance over the last 6 hours' burn rate: when each organisation runs dry. */
function timeUntilCreditsRunOut() {
  const balance = `min ${by(creditBalance, "service", "organization_id")} (${sel(creditBalance, { service: SERVICE })})`;
  const burn = sumBy(
    creditUsageTotal,
    ["service", "organization_id"],
    rate(sel(creditUsageTotal, { service: SERVICE }), "6h"),
  );
  return barGauge(
    "Time until credits run out (soonest 10)",
    "s",
    [prom(`bottomk(10, ${balance} / ${burn})`, { legend: "{{ organization_id }}", instant: true })],
    { width: 12, height: 8 },
  );
}

/** The stack's components that expose their process memory, by scrape job. */
function stackJobs(settings: Settings): string[] {
  const withProcessMetrics = new Set<ComponentId>(PROCESS_METRICS_COMPONENTS);
  return enabledComponents(settings)
    .filter((component) => withProcessMetrics.has(component.id))
    .map((component) => CATALOG[component.id].serviceName);
}

/** The stack's memory against the environment's budget (config/presets.ts), not a retyped number. */
function stackMemoryAgainstBudget(settings: Settings) {
  const budget = budgetUse(settings.environment, enabledComponents(settings)).memory.max;
  const jobs = stackJobs(settings);
  if (jobs.length === 0) return undefined;
  return timeseries(
    "Stack memory against its budget",
    "bytes",
    [
      prom(`sum(${sel(processResidentMemoryBytes, { job: { re: jobs.join("|") } })})`, {
        legend: "resident",
      }),
    ],
    {
      description: `Resident memory of ${jobs.join(", ")}; the line is the ${settings.environment} budget.`,
      thresholds:
        budget === undefined
          ? undefined
          : [
              { value: null, color: "green" },
              { value: budget, color: "red" },
            ],
      min: 0,
    },
  );
}

/** Each component's resident memory over its configured limit: how much of it is used. */
function memoryLimitUse(settings: Settings) {
  const queries = enabledComponents(settings)
    .filter((component) => stackJobs(settings).includes(CATALOG[component.id].serviceName))
    .flatMap((component) => {
      const limit = parseMemory(component.resources.limits.memory);
      const job = CATALOG[component.id].serviceName;
      if (limit === undefined) return [];
      return [prom(`max(${sel(processResidentMemoryBytes, { job })}) / ${limit}`, { legend: job })];
    });
  if (queries.length === 0) return undefined;
  return timeseries("Memory limit in use, per component", "percentunit", queries, {
    description: "Resident memory over the limit in stack config: low values mean room to shrink.",
    min: 0,
    max: 1,
  });
}

export function costOptimizationDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: COST_OPTIMIZATION_UID,
    title: "Cost Optimization",
    folder: "Business",
    tags: ["business", "cost"],
    description:
      "AI/ML spend and its attribution, efficiency, forecasts, and the stack's resource use against its budget.",
    variables: [environmentVariable(settings), serviceVariable(llmCostTotal)],
    rows: [
      { title: "AI spend", panels: [costByProviderAndModel(), costByService()] },
      { title: "Attribution", panels: [creditsByOrganisation(), timeUntilCreditsRunOut()] },
      {
        title: "Efficiency",
        panels: [costPerThousandTokens(), tokensPerRequest()],
      },
      {
        title: "Forecast and budget",
        panels: [
          projectedDailySpend().span(6).height(8),
          stackMemoryAgainstBudget(settings)?.span(9),
          memoryLimitUse(settings)?.span(9),
        ],
      },
    ],
  });
}
