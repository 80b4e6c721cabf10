import { counter, gauge, histogram } from "./types";

/**
 * The metrics our application services expose, named once. Rules, dashboards and the
 * services themselves (through `createRegistry`) take names, labels and buckets from here.
 *
 * Conventions: no product prefix (a stack whose services add one sets
 * `applicationMetrics.prefix`; metrics/naming.ts applies it), base units (seconds, bytes),
 * `_total` on counters, and a
 * `service` label on every metric so one query covers all services. User ids never become
 * labels; organisation and API-key ids do, as the alerts need them.
 */

// --- Typed label values that rules select on -------------------------------------------

/** `status_code` values the API alerts treat as server errors and as refused access. */
export const STATUS_CODES = { serverError: "5..", unauthorized: "401|403" } as const;
export const PAYMENT_STATUS = {
  succeeded: "succeeded",
  failed: "failed",
  refunded: "refunded",
} as const;
export const SUBSCRIPTION_CHANGE = {
  created: "created",
  upgrade: "upgrade",
  downgrade: "downgrade",
  cancellation: "cancellation",
} as const;
export const LLM_STATUS = { success: "success", error: "error" } as const;
export const TOKEN_TYPE = { prompt: "prompt", completion: "completion" } as const;
export const FEATURE_ACCESS = { allowed: "allowed", denied: "denied" } as const;
export const WEBHOOK_STATUS = { delivered: "delivered", failed: "failed" } as const;
export const INTEGRATION_STATUS = {
  success: "success",
  failed: "failed",
  timeout: "timeout",
} as const;
export const CONVERSATION_STATUS = { queued: "queued", assigned: "assigned" } as const;

/**
 * Services our applications depend on, as their readiness checks name them (the
 * `dependency` label of `dependency_up`) and as the `job` that scrapes their exporter.
 */
export const DEPENDENCY = {
  postgresql: "postgresql",
  redis: "redis",
  keycloak: "keycloak",
  litellm: "litellm",
  lago: "lago",
} as const;
export type Dependency = keyof typeof DEPENDENCY;

// --- HTTP (golden signals) ------------------------------------------------------------

const HTTP_LABELS = ["service", "method", "route", "status_code"] as const;

export const httpRequestsTotal = counter(
  "http_requests_total",
  "HTTP requests handled, by route template and status code.",
  HTTP_LABELS,
);

/** Buckets include 0.5 s and 2 s, the SlowAPIResponse and VerySlowAPIResponse thresholds. */
export const httpRequestDurationSeconds = histogram(
  "http_request_duration_seconds",
  "Time from request received to response sent.",
  HTTP_LABELS,
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
);

const SIZE_BUCKETS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000] as const;

export const httpRequestSizeBytes = histogram(
  "http_request_size_bytes",
  "Size of HTTP request bodies.",
  ["service", "method", "route"] as const,
  SIZE_BUCKETS,
);

export const httpResponseSizeBytes = histogram(
  "http_response_size_bytes",
  "Size of HTTP response bodies.",
  ["service", "method", "route"] as const,
  SIZE_BUCKETS,
);

export const httpErrorsTotal = counter(
  "http_errors_total",
  "Requests that ended in an unhandled error, by error type.",
  ["service", "method", "route", "error_type"] as const,
);

// --- Process --------------------------------------------------------------------------

/** Written by the client library's default process metrics (prom-client, prometheus_client). */
export const processResidentMemoryBytes = gauge(
  "process_resident_memory_bytes",
  "Resident memory size in bytes.",
  ["service"] as const,
);

/** 1 when the service's readiness check of a dependency passed, 0 when it failed. */
export const dependencyUp = gauge(
  "dependency_up",
  "1 when the last readiness check of the dependency passed.",
  ["service", "dependency"] as const,
);

// --- Database -------------------------------------------------------------------------

export const dbConnectionsActive = gauge(
  "db_connections_active",
  "Connections of the pool in use.",
  ["service", "pool"] as const,
);

export const dbConnectionsIdle = gauge(
  "db_connections_idle",
  "Connections of the pool open and idle.",
  ["service", "pool"] as const,
);

/** Buckets include 1 s, the SlowDatabaseQueries threshold. */
export const dbQueryDurationSeconds = histogram(
  "db_query_duration_seconds",
  "Time a database query took.",
  ["service", "operation", "table"] as const,
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
);

export const dbErrorsTotal = counter("db_errors_total", "Database operations that failed.", [
  "service",
  "operation",
  "error_type",
] as const);

// --- Security -------------------------------------------------------------------------

export const authFailuresTotal = counter(
  "auth_failures_total",
  "Failed authentication attempts, by reason.",
  ["service", "reason"] as const,
);

export const rateLimitExceededTotal = counter(
  "rate_limit_exceeded_total",
  "Requests refused by the rate limiter.",
  ["service", "route"] as const,
);

export const apiKeyUsageTotal = counter(
  "api_key_usage_total",
  "Requests authenticated with an API key, by key id.",
  ["service", "api_key_id"] as const,
);

// --- Credits, billing and subscriptions ----------------------------------------------

export const creditBalance = gauge("credit_balance", "Credits an organisation has left.", [
  "service",
  "organization_id",
  "tier",
] as const);

export const creditUsageTotal = counter(
  "credit_usage_total",
  "Credits consumed, by organisation and model.",
  ["service", "organization_id", "model"] as const,
);

export const creditTransactionsTotal = counter(
  "credit_transactions_total",
  "Credit transactions (purchase, usage, refund, grant).",
  ["service", "transaction_type"] as const,
);

export const paymentTransactionsTotal = counter(
  "payment_transactions_total",
  "Payment attempts, by outcome.",
  ["service", "status", "payment_method"] as const,
);

export const revenueTotal = counter("revenue_total", "Revenue collected, in cents.", [
  "service",
  "currency",
  "tier",
] as const);

export const subscriptionChangesTotal = counter(
  "subscription_changes_total",
  "Subscription changes: created, upgrade, downgrade, cancellation.",
  ["service", "change_type", "tier"] as const,
);

export const subscriptionStatus = gauge(
  "subscription_status",
  "Subscriptions, by status (active, inactive) and tier.",
  ["service", "status", "tier"] as const,
);

export const subscriptionTierDistribution = gauge(
  "subscription_tier_distribution",
  "Users per subscription tier.",
  ["service", "tier"] as const,
);

// --- LLM ------------------------------------------------------------------------------

export const llmRequestsTotal = counter(
  "llm_requests_total",
  "LLM requests, by model, provider and outcome.",
  ["service", "model", "provider", "status"] as const,
);

export const llmTokensTotal = counter(
  "llm_tokens_total",
  "Tokens used, by type (prompt, completion).",
  ["service", "model", "provider", "type"] as const,
);

export const llmCostTotal = counter("llm_cost_total", "Cost of LLM requests, in credits.", [
  "service",
  "model",
  "provider",
] as const);

export const llmRequestDurationSeconds = histogram(
  "llm_request_duration_seconds",
  "Time an LLM request took.",
  ["service", "model", "provider"] as const,
  [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
);

// --- Users, organisations and product usage ------------------------------------------

export const userRegistrationsTotal = counter(
  "user_registrations_total",
  "User sign-ups, by tier and source.",
  ["service", "tier", "source"] as const,
);

export const userLoginsTotal = counter("user_logins_total", "Successful logins, by method.", [
  "service",
  "method",
] as const);

/** A count, hence a gauge without `_total` (the seed's `organizations_total`). */
export const organizations = gauge("organizations", "Organisations that exist.", [
  "service",
] as const);

export const organizationMembers = gauge("organization_members", "Members of an organisation.", [
  "service",
  "organization_id",
] as const);

export const featureAccessTotal = counter(
  "feature_access_total",
  "Feature access checks, by result (allowed, denied).",
  ["service", "feature", "result"] as const,
);

export const webhookDeliveriesTotal = counter(
  "webhook_deliveries_total",
  "Webhook delivery attempts, by outcome.",
  ["service", "event", "status"] as const,
);

// --- Workers and integrations --------------------------------------------------------

export const queueDepth = gauge("queue_depth", "Tasks waiting in a worker queue.", [
  "service",
  "queue",
] as const);

export const integrationRequestsTotal = counter(
  "integration_requests_total",
  "Requests to external integrations, by outcome.",
  ["service", "integration", "operation", "status"] as const,
);

export const integrationLatencySeconds = histogram(
  "integration_latency_seconds",
  "Time a request to an external integration took.",
  ["service", "integration", "operation"] as const,
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
);

// --- Conversations (support) ---------------------------------------------------------

export const conversationsTotal = counter(
  "conversations_total",
  "Conversations created, by channel and team.",
  ["service", "channel", "team"] as const,
);

export const conversationsActive = gauge(
  "conversations_active",
  "Open conversations, by team and status (queued, assigned).",
  ["service", "team", "status"] as const,
);

export const messagesTotal = counter(
  "messages_total",
  "Messages, by direction, channel and delivery status.",
  ["service", "direction", "channel", "status"] as const,
);

export const firstResponseTimeSeconds = histogram(
  "first_response_time_seconds",
  "Time from a conversation's first message to the first agent reply.",
  ["service", "team"] as const,
  [30, 60, 120, 300, 600, 1800, 3600],
);

export const agentActiveConversations = gauge(
  "agent_active_conversations",
  "Conversations an agent is handling.",
  ["service", "agent_id", "team"] as const,
);

/**
 * Every metric a service creates itself, by kind, so `createRegistry` can build each with
 * the matching prom-client class. Process metrics come from the client's default collectors.
 */
export const APPLICATION_METRICS = {
  counters: {
    httpRequestsTotal,
    httpErrorsTotal,
    dbErrorsTotal,
    authFailuresTotal,
    rateLimitExceededTotal,
    apiKeyUsageTotal,
    creditUsageTotal,
    creditTransactionsTotal,
    paymentTransactionsTotal,
    revenueTotal,
    subscriptionChangesTotal,
    llmRequestsTotal,
    llmTokensTotal,
    llmCostTotal,
    userRegistrationsTotal,
    userLoginsTotal,
    featureAccessTotal,
    webhookDeliveriesTotal,
    integrationRequestsTotal,
    conversationsTotal,
    messagesTotal,
  },
  gauges: {
    dependencyUp,
    dbConnectionsActive,
    dbConnectionsIdle,
    creditBalance,
    subscriptionStatus,
    subscriptionTierDistribution,
    organizations,
    organizationMembers,
    queueDepth,
    conversationsActive,
    agentActiveConversations,
  },
  histograms: {
    httpRequestDurationSeconds,
    httpRequestSizeBytes,
    httpResponseSizeBytes,
    dbQueryDurationSeconds,
    llmRequestDurationSeconds,
    integrationLatencySeconds,
    firstResponseTimeSeconds,
  },
} as const;
