import {
  creditBalance,
  creditUsageTotal,
  PAYMENT_STATUS,
  paymentTransactionsTotal,
  SUBSCRIPTION_CHANGE,
  subscriptionChangesTotal,
} from "../../metrics/application";
import { by, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { count } from "../text";
import { fires, increase, quiet, record, recorded, series, sumBy } from "./lib";

/** Credits each organisation used in the last hour; the credit usage dashboard reads it too. */
export const organizationCreditUsage = recorded(
  "service_organization:credit_usage:increase1h",
  "Credits used in the last hour, per organisation.",
  ["service", "organization_id"] as const,
);

const lowestBalance = `min ${by(creditBalance, "service", "organization_id")} (${sel(creditBalance)})`;

/** Credits, payments and subscriptions. */
export const billingPack: RulePack = {
  name: "billing",
  description: "Credit balances and usage, failed payments and subscription churn.",
  groups: [
    {
      name: "billing",
      rules: [
        record(
          organizationCreditUsage,
          sumBy(
            creditUsageTotal,
            ["service", "organization_id"],
            increase(sel(creditUsageTotal), "1h"),
          ),
        ),
        {
          alert: "LowCreditBalance",
          severity: "warning",
          family: "credit_balance",
          for: "5m",
          threshold: 100,
          thresholdKind: "count",
          expr: (threshold) => `${lowestBalance} < ${threshold}`,
          summary: (t) => `An organisation has fewer than ${count(t)} credits left.`,
          description:
            "Organisation {{ $labels.organization_id }} has {{ $value }} credits left; its requests will be refused when they run out.",
        },
        {
          alert: "CriticalCreditBalance",
          severity: "critical",
          family: "credit_balance",
          for: "1m",
          threshold: 10,
          thresholdKind: "count",
          expr: (threshold) => `${lowestBalance} < ${threshold}`,
          summary: (t) => `An organisation has fewer than ${count(t)} credits left.`,
          description:
            "Organisation {{ $labels.organization_id }} has {{ $value }} credits left and is about to be cut off.",
        },
        {
          alert: "HighCreditUsage",
          severity: "warning",
          for: "30m",
          threshold: 1000,
          thresholdKind: "count",
          expr: (threshold) => `${sel(organizationCreditUsage)} > ${threshold}`,
          summary: (t) => `An organisation uses more than ${count(t)} credits an hour.`,
          description:
            "Organisation {{ $labels.organization_id }} used {{ $value | humanize }} credits in the last hour.",
        },
        {
          alert: "PaymentFailed",
          severity: "critical",
          threshold: 3,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              paymentTransactionsTotal,
              ["service"],
              increase(sel(paymentTransactionsTotal, { status: PAYMENT_STATUS.failed }), "5m"),
            )} > ${threshold}`,
          summary: (t) => `More than ${count(t)} payments failed within 5 minutes.`,
          description:
            "{{ $value | humanize }} payments failed on {{ $labels.service }} in the last 5 minutes. Check the payment provider and its webhooks.",
        },
        {
          alert: "SubscriptionChurn",
          severity: "warning",
          threshold: 10,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              subscriptionChangesTotal,
              ["service"],
              increase(
                sel(subscriptionChangesTotal, { change_type: SUBSCRIPTION_CHANGE.cancellation }),
                "1d",
              ),
            )} > ${threshold}`,
          summary: (t) => `More than ${count(t)} subscriptions were cancelled within 24 hours.`,
          description:
            "{{ $value | humanize }} subscriptions were cancelled in the last 24 hours on {{ $labels.service }}.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "credit balance: LowCreditBalance below 100, CriticalCreditBalance below 10",
      interval: "1m",
      inputSeries: [
        series(
          creditBalance,
          { service: "billing", organization_id: "org-1", tier: "pro" },
          "50x10",
        ),
        series(
          creditBalance,
          { service: "billing", organization_id: "org-2", tier: "pro" },
          "100x10",
        ),
        series(
          creditBalance,
          { service: "billing", organization_id: "org-3", tier: "free" },
          "5x10",
        ),
        series(
          creditBalance,
          { service: "billing", organization_id: "org-4", tier: "free" },
          "10x10",
        ),
      ],
      alerts: [
        quiet("LowCreditBalance", "4m"),
        fires(
          "LowCreditBalance",
          "6m",
          { severity: "warning", service: "billing", organization_id: "org-1" },
          { severity: "warning", service: "billing", organization_id: "org-3" },
          { severity: "warning", service: "billing", organization_id: "org-4" },
        ),
        quiet("CriticalCreditBalance", "0m"),
        fires("CriticalCreditBalance", "2m", {
          severity: "critical",
          service: "billing",
          organization_id: "org-3",
        }),
      ],
    },
    {
      name: "credit usage: HighCreditUsage above 1000 credits an hour for 30 minutes",
      interval: "1m",
      inputSeries: [
        // org-1: 20 a minute (1200 an hour); org-2: 16 a minute (960 an hour).
        series(
          creditUsageTotal,
          { service: "billing", organization_id: "org-1", model: "gpt" },
          "0+20x150",
        ),
        series(
          creditUsageTotal,
          { service: "billing", organization_id: "org-2", model: "gpt" },
          "0+16x150",
        ),
      ],
      alerts: [
        quiet("HighCreditUsage", "70m"),
        fires("HighCreditUsage", "100m", {
          severity: "warning",
          service: "billing",
          organization_id: "org-1",
        }),
      ],
    },
    {
      name: "payments: PaymentFailed above 3 failures in 5 minutes",
      interval: "1m",
      inputSeries: [
        series(
          paymentTransactionsTotal,
          { service: "a", status: "failed", payment_method: "card" },
          "0+0.8x10",
        ),
        series(
          paymentTransactionsTotal,
          { service: "a", status: "succeeded", payment_method: "card" },
          "0+50x10",
        ),
        // a: 4 failures in 5 minutes; b: 2.75.
        series(
          paymentTransactionsTotal,
          { service: "b", status: "failed", payment_method: "card" },
          "0+0.55x10",
        ),
      ],
      alerts: [
        quiet("PaymentFailed", "2m"),
        fires("PaymentFailed", "6m", { severity: "critical", service: "a" }),
      ],
    },
    {
      name: "churn: SubscriptionChurn above 10 cancellations in 24 hours",
      interval: "1h",
      inputSeries: [
        // a: one cancellation an hour; b: 9.6 a day; upgrades do not count.
        series(
          subscriptionChangesTotal,
          { service: "a", change_type: "cancellation", tier: "pro" },
          "0+1x30",
        ),
        series(
          subscriptionChangesTotal,
          { service: "b", change_type: "cancellation", tier: "pro" },
          "0+0.4x30",
        ),
        series(
          subscriptionChangesTotal,
          { service: "b", change_type: "upgrade", tier: "pro" },
          "0+5x30",
        ),
      ],
      alerts: [
        quiet("SubscriptionChurn", "8h"),
        fires("SubscriptionChurn", "26h", { severity: "warning", service: "a" }),
      ],
    },
  ],
};
