/** 001 "Credit usage": balances, consumption, payments, subscriptions and accounts. */
import { Settings } from "../../config/settings";
import {
  creditBalance,
  creditTransactionsTotal,
  creditUsageTotal,
  PAYMENT_STATUS,
  paymentTransactionsTotal,
  revenueTotal,
  SUBSCRIPTION_CHANGE,
  subscriptionChangesTotal,
  subscriptionStatus,
  subscriptionTierDistribution,
  userLoginsTotal,
  userRegistrationsTotal,
} from "../../metrics/application";
import { by } from "../../metrics/promql";
import { organizationCreditUsage } from "../../rules/packs/billing";
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
import { increase, rate, sel, sumBy } from "../promql";
import { alertThreshold, alertThresholds } from "../thresholds";

export const CREDIT_USAGE_UID = "credit-usage";

const CREDITS = "suffix: credits";
const lowestBalance = `min ${by(creditBalance, "service", "organization_id")} (${sel(creditBalance, { service: SERVICE })})`;

/** The balances LowCreditBalance and CriticalCreditBalance watch, lowest first. */
function lowestBalances(settings: Settings) {
  return barGauge(
    "Lowest credit balances",
    CREDITS,
    [prom(`bottomk(10, ${lowestBalance})`, { legend: "{{ organization_id }}", instant: true })],
    {
      thresholds: alertThresholds(settings, "below", "LowCreditBalance", "CriticalCreditBalance"),
      height: 10,
    },
  );
}

/** How many organisations are under the LowCreditBalance threshold now (from the rule). */
function organisationsLow(settings: Settings) {
  const threshold = alertThreshold(settings, "LowCreditBalance");
  if (threshold === undefined) return undefined;
  return stat(
    "Organisations low on credits",
    "short",
    [prom(`count(${lowestBalance} < ${threshold}) or vector(0)`)],
    {
      width: 6,
      height: 10,
      description: `Organisations with fewer than ${threshold} credits (the LowCreditBalance threshold in force).`,
      thresholds: [
        { value: null, color: "green" },
        { value: 1, color: "orange" },
      ],
    },
  );
}

/** The hourly use per organisation HighCreditUsage watches. */
function hourlyUsageByOrganisation(settings: Settings) {
  return timeseries(
    "Credits used per organisation (last hour, top 10)",
    CREDITS,
    [
      prom(`topk(10, ${sel(organizationCreditUsage, { service: SERVICE })})`, {
        legend: "{{ organization_id }}",
      }),
    ],
    { thresholds: alertThresholds(settings, "above", "HighCreditUsage"), min: 0 },
  );
}

function usageByModel() {
  return timeseries(
    "Credit consumption by model",
    "suffix: credits/h",
    [
      prom(
        `${sumBy(creditUsageTotal, ["model"], rate(sel(creditUsageTotal, { service: SERVICE })))} * 3600`,
        { legend: "{{ model }}" },
      ),
    ],
    { stacked: true },
  );
}

function transactionsByType() {
  return timeseries("Credit transactions by type", "ops", [
    prom(
      sumBy(
        creditTransactionsTotal,
        ["transaction_type"],
        rate(sel(creditTransactionsTotal, { service: SERVICE })),
      ),
      { legend: "{{ transaction_type }}" },
    ),
  ]);
}

/** The 5-minute count PaymentFailed watches. */
function failedPayments(settings: Settings) {
  return timeseries(
    "Failed payments (5m)",
    "short",
    [
      prom(
        sumBy(
          paymentTransactionsTotal,
          ["service"],
          increase(
            sel(paymentTransactionsTotal, { service: SERVICE, status: PAYMENT_STATUS.failed }),
            "5m",
          ),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "PaymentFailed"), min: 0 },
  );
}

function paymentsByStatus() {
  return timeseries(
    "Payments by outcome",
    "ops",
    [
      prom(
        sumBy(
          paymentTransactionsTotal,
          ["status", "payment_method"],
          rate(sel(paymentTransactionsTotal, { service: SERVICE })),
        ),
        { legend: "{{ status }} {{ payment_method }}" },
      ),
    ],
    { stacked: true },
  );
}

/** Revenue is counted in cents; shown in currency units per hour. */
function revenue() {
  return timeseries("Revenue per hour", "short", [
    prom(
      `${sumBy(revenueTotal, ["currency", "tier"], rate(sel(revenueTotal, { service: SERVICE })))} * 3600 / 100`,
      { legend: "{{ currency }} {{ tier }}" },
    ),
  ]);
}

function activeSubscriptions() {
  return barGauge("Active subscriptions by tier", "short", [
    prom(
      sumBy(
        subscriptionStatus,
        ["tier"],
        sel(subscriptionStatus, { service: SERVICE, status: "active" }),
      ),
      { legend: "{{ tier }}", instant: true },
    ),
  ]);
}

function usersPerTier() {
  return barGauge("Users per tier", "short", [
    prom(
      sumBy(
        subscriptionTierDistribution,
        ["tier"],
        sel(subscriptionTierDistribution, { service: SERVICE }),
      ),
      {
        legend: "{{ tier }}",
        instant: true,
      },
    ),
  ]);
}

/** The daily count SubscriptionChurn watches. */
function cancellations(settings: Settings) {
  return timeseries(
    "Cancellations (last 24 h)",
    "short",
    [
      prom(
        sumBy(
          subscriptionChangesTotal,
          ["service"],
          increase(
            sel(subscriptionChangesTotal, {
              service: SERVICE,
              change_type: SUBSCRIPTION_CHANGE.cancellation,
            }),
            "1d",
          ),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "SubscriptionChurn"), min: 0 },
  );
}

function subscriptionChanges() {
  return timeseries(
    "Subscription changes per hour",
    "short",
    [
      prom(
        `${sumBy(subscriptionChangesTotal, ["change_type"], rate(sel(subscriptionChangesTotal, { service: SERVICE })))} * 3600`,
        { legend: "{{ change_type }}" },
      ),
    ],
    { stacked: true },
  );
}

/** The daily count LowUserRegistrations watches (it fires below its threshold). */
function registrations(settings: Settings) {
  return timeseries(
    "Sign-ups (last 24 h)",
    "short",
    [
      prom(
        sumBy(
          userRegistrationsTotal,
          ["service"],
          increase(sel(userRegistrationsTotal, { service: SERVICE }), "1d"),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "below", "LowUserRegistrations"), min: 0 },
  );
}

/** The hourly count LowActiveUsers watches (it fires below its threshold). */
function logins(settings: Settings) {
  return timeseries(
    "Logins (last hour)",
    "short",
    [
      prom(
        sumBy(
          userLoginsTotal,
          ["service"],
          increase(sel(userLoginsTotal, { service: SERVICE }), "1h"),
        ),
        { legend: "{{ service }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "below", "LowActiveUsers"), min: 0 },
  );
}

export function creditUsageDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: CREDIT_USAGE_UID,
    title: "Credit Usage",
    folder: "Business",
    tags: ["business", "billing"],
    description: "Credit balances and consumption, payments, revenue, subscriptions and accounts.",
    variables: [environmentVariable(settings), serviceVariable(creditUsageTotal)],
    rows: [
      {
        title: "Credits",
        panels: [
          organisationsLow(settings),
          lowestBalances(settings).span(18),
          hourlyUsageByOrganisation(settings),
          usageByModel(),
          transactionsByType(),
        ],
      },
      {
        title: "Payments",
        panels: [failedPayments(settings), paymentsByStatus(), revenue()],
      },
      {
        title: "Subscriptions",
        panels: [
          activeSubscriptions(),
          usersPerTier(),
          cancellations(settings),
          subscriptionChanges(),
        ],
      },
      { title: "Accounts", panels: [registrations(settings), logins(settings)] },
    ],
  });
}
