/**
 * Activity of a product as the seeds describe it (../shared/seeds: an API with credits,
 * LLM calls through LiteLLM, billing through Lago and Stripe, support conversations on
 * WhatsApp and e-mail), recorded on every application metric of the catalog, so that each
 * rule and panel the stack deploys reads real series from the demo service.
 *
 * Every label combination starts at 0, so rate() and ratios have both sides from the first
 * scrape; each tick adds plausible amounts. Server errors (5xx) are left to the demo's own
 * failure switch: the e2e asserts an error ratio of 0 while the demo is healthy.
 *
 * sendTelemetry sends a trace, a log record and a metric point through the collector, so the
 * collector's and Jaeger's pipeline metrics count all three signals.
 */
import { randomBytes } from "crypto";
import {
  APPLICATION_METRICS,
  CONVERSATION_STATUS,
  DEPENDENCY,
  FEATURE_ACCESS,
  INTEGRATION_STATUS,
  LLM_STATUS,
  PAYMENT_STATUS,
  SUBSCRIPTION_CHANGE,
  TOKEN_TYPE,
  WEBHOOK_STATUS,
} from "../../metrics/application";
import type { ApplicationInstruments } from "../../metrics/registry";
import { MetricDefinition } from "../../metrics/types";

type Labels = Record<string, string>;
type MetricKey = keyof ApplicationInstruments;

/** Label values of the seeds' product, by label name; `service` comes from the registry. */
const VALUES: Record<string, readonly string[]> = {
  method: ["GET", "POST"],
  route: ["/api/orders", "/api/credits/balance", "/api/llm/chat"],
  status_code: ["200", "201", "401", "403", "429", "500"],
  error_type: ["timeout", "validation"],
  operation: ["select", "insert", "update"],
  table: ["users", "credit_transactions"],
  pool: ["primary"],
  reason: ["invalid_password", "expired_token"],
  api_key_id: ["key_7f3a", "key_91bc"],
  organization_id: ["org_acme", "org_globex"],
  tier: ["free", "pro", "enterprise"],
  model: ["gpt-4o", "claude-3-5-sonnet"],
  provider: ["openai", "anthropic"],
  transaction_type: ["purchase", "usage", "refund", "grant"],
  payment_method: ["card", "sepa_debit"],
  currency: ["EUR", "USD"],
  change_type: Object.values(SUBSCRIPTION_CHANGE),
  type: Object.values(TOKEN_TYPE),
  source: ["organic", "referral"],
  feature: ["llm_chat", "data_export"],
  result: Object.values(FEATURE_ACCESS),
  event: ["invoice.paid", "conversation.created"],
  queue: ["default", "webhooks"],
  integration: ["whatsapp", "lago", "keycloak"],
  channel: ["whatsapp", "email"],
  team: ["support", "sales"],
  direction: ["inbound", "outbound"],
  agent_id: ["agent_1", "agent_2"],
  dependency: Object.values(DEPENDENCY),
};

/** Where one label means something else than its namesake elsewhere. */
const VALUES_OF: Partial<Record<MetricKey, Record<string, readonly string[]>>> = {
  userLoginsTotal: { method: ["password", "sso"] },
  integrationRequestsTotal: {
    operation: ["send_message", "sync"],
    status: Object.values(INTEGRATION_STATUS),
  },
  integrationLatencySeconds: { operation: ["send_message", "sync"] },
  paymentTransactionsTotal: { status: Object.values(PAYMENT_STATUS) },
  llmRequestsTotal: { status: Object.values(LLM_STATUS) },
  webhookDeliveriesTotal: { status: Object.values(WEBHOOK_STATUS) },
  conversationsActive: { status: Object.values(CONVERSATION_STATUS) },
  subscriptionStatus: { status: ["active", "inactive"] },
  messagesTotal: { status: ["delivered", "failed"] },
};

/** A model is served by its own provider only. */
const PROVIDER_OF: Record<string, string> = {
  "gpt-4o": "openai",
  "claude-3-5-sonnet": "anthropic",
};

/** Outcomes that happen now and then, not on every tick. */
const RARE = new Set([
  "failed",
  "error",
  "timeout",
  "denied",
  "cancellation",
  "downgrade",
  "refund",
  "401",
  "403",
  "429",
]);

function valuesFor(key: MetricKey, label: string): readonly string[] {
  const values = VALUES_OF[key]?.[label] ?? VALUES[label];
  if (!values) throw new Error(`demo activity: no values for label ${label} of ${key}`);
  return values;
}

/** Every consistent label combination of a metric (service left to the registry). */
export function labelSets(key: MetricKey, definition: MetricDefinition): Labels[] {
  let sets: Labels[] = [{}];
  for (const label of definition.labelNames.filter((name) => name !== "service")) {
    sets = sets.flatMap((set) =>
      valuesFor(key, label).map((value) => ({ ...set, [label]: value })),
    );
  }
  return sets.filter(
    (set) => !set.model || !set.provider || PROVIDER_OF[set.model] === set.provider,
  );
}

const between = (low: number, high: number) => low + Math.random() * (high - low);

/** Gauge levels of a healthy product. */
const GAUGE_LEVELS: Record<keyof typeof APPLICATION_METRICS.gauges, () => number> = {
  dependencyUp: () => 1,
  dbConnectionsActive: () => Math.round(between(2, 8)),
  dbConnectionsIdle: () => Math.round(between(4, 12)),
  creditBalance: () => Math.round(between(500, 5000)),
  subscriptionStatus: () => Math.round(between(10, 200)),
  subscriptionTierDistribution: () => Math.round(between(10, 500)),
  organizations: () => 42,
  organizationMembers: () => Math.round(between(3, 30)),
  queueDepth: () => Math.round(between(0, 5)),
  conversationsActive: () => Math.round(between(1, 6)),
  agentActiveConversations: () => Math.round(between(1, 5)),
};

/** Observed values, in the histogram's unit, spread over its buckets. */
const OBSERVATIONS: Record<keyof typeof APPLICATION_METRICS.histograms, () => number> = {
  httpRequestDurationSeconds: () => between(0.005, 0.3),
  httpRequestSizeBytes: () => between(100, 20_000),
  httpResponseSizeBytes: () => between(200, 200_000),
  dbQueryDurationSeconds: () => between(0.001, 0.2),
  llmRequestDurationSeconds: () => between(0.5, 8),
  integrationLatencySeconds: () => between(0.05, 1.5),
  firstResponseTimeSeconds: () => between(30, 500),
};

/** How much a counter grows per tick, by metric. */
const INCREMENTS: Partial<Record<keyof typeof APPLICATION_METRICS.counters, () => number>> = {
  llmTokensTotal: () => Math.round(between(200, 2000)),
  llmCostTotal: () => between(0.5, 3),
  creditUsageTotal: () => Math.round(between(5, 50)),
  revenueTotal: () => Math.round(between(500, 5000)),
};

export interface DemoActivity {
  /** One tick of activity on every metric. */
  tick(): void;
}

export function demoActivity(metrics: ApplicationInstruments): DemoActivity {
  const all = APPLICATION_METRICS as unknown as Record<string, Record<MetricKey, MetricDefinition>>;
  const kinds = Object.entries(all).flatMap(([kind, group]) =>
    (Object.entries(group) as [MetricKey, MetricDefinition][]).map(([key, definition]) => ({
      kind,
      key,
      sets: labelSets(key, definition),
    })),
  );
  for (const { kind, key, sets } of kinds) {
    if (kind !== "counters") continue;
    const counter = metrics[key] as { inc(labels: Labels, value: number): void };
    for (const labels of sets) counter.inc(labels, 0);
  }
  return {
    tick() {
      for (const { kind, key, sets } of kinds) {
        for (const labels of sets) {
          const rare = Object.values(labels).some((value) => RARE.has(value));
          if (kind === "counters") {
            if (labels.status_code?.startsWith("5")) continue;
            if (rare && Math.random() > 0.2) continue;
            const amount =
              INCREMENTS[key as keyof typeof INCREMENTS]?.() ?? Math.round(between(1, 10));
            (metrics[key] as { inc(labels: Labels, value: number): void }).inc(labels, amount);
          } else if (kind === "gauges") {
            const level = GAUGE_LEVELS[key as keyof typeof GAUGE_LEVELS]();
            (metrics[key] as { set(labels: Labels, value: number): void }).set(labels, level);
          } else {
            const observe = OBSERVATIONS[key as keyof typeof OBSERVATIONS];
            const histogram = metrics[key] as { observe(labels: Labels, value: number): void };
            for (let i = 0; i < 3; i++) histogram.observe(labels, observe());
          }
        }
      }
    },
  };
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
}

/** A trace, a log record and a metric point of the service, over OTLP/HTTP JSON. */
export async function sendTelemetry(collectorHttp: string, service: string): Promise<void> {
  const resource = { attributes: [attribute("service.name", service)] };
  const scope = { name: "demo-activity" };
  const end = BigInt(Date.now()) * 1_000_000n;
  const traceId = hex(16);
  const spanId = hex(8);
  await post(`${collectorHttp}/v1/traces`, {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope,
            spans: [
              {
                traceId,
                spanId,
                name: "GET /api/orders",
                kind: 2,
                startTimeUnixNano: String(end - 20_000_000n),
                endTimeUnixNano: String(end),
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  });
  await post(`${collectorHttp}/v1/logs`, {
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            scope,
            logRecords: [
              {
                timeUnixNano: String(end),
                severityNumber: 9,
                severityText: "INFO",
                body: { stringValue: "order list served" },
                traceId,
                spanId,
              },
            ],
          },
        ],
      },
    ],
  });
  await post(`${collectorHttp}/v1/metrics`, {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            scope,
            metrics: [
              {
                name: "demo_activity_ticks",
                gauge: { dataPoints: [{ timeUnixNano: String(end), asInt: "1" }] },
              },
            ],
          },
        ],
      },
    ],
  });
}
