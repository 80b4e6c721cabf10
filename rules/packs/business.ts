import {
  FEATURE_ACCESS,
  featureAccessTotal,
  userLoginsTotal,
  userRegistrationsTotal,
  WEBHOOK_STATUS,
  webhookDeliveriesTotal,
} from "../../metrics/application";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { count, times } from "../text";
import { fires, increase, quiet, series, sumBy } from "./lib";

/** Product KPIs that point at a broken funnel rather than a broken server. */
export const businessPack: RulePack = {
  name: "business",
  description: "Sign-ups, logins, denied feature access and failing webhooks.",
  groups: [
    {
      name: "business",
      rules: [
        {
          alert: "LowUserRegistrations",
          severity: "warning",
          threshold: 5,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(userRegistrationsTotal, ["service"], increase(sel(userRegistrationsTotal), "1d"))} < ${threshold}`,
          summary: (t) => `Fewer than ${count(t)} users signed up in 24 hours.`,
          description:
            "Only {{ $value | humanize }} users signed up on {{ $labels.service }} in the last 24 hours. Check the sign-up flow and its e-mails.",
        },
        {
          alert: "LowActiveUsers",
          severity: "warning",
          threshold: 10,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(userLoginsTotal, ["service"], increase(sel(userLoginsTotal), "1h"))} < ${threshold}`,
          summary: (t) => `Fewer than ${count(t)} logins in an hour.`,
          description:
            "Only {{ $value | humanize }} users logged in to {{ $labels.service }} in the last hour. Check the login page and the identity provider.",
        },
        {
          alert: "HighFeatureAccessDenials",
          severity: "warning",
          for: "30m",
          threshold: 100,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              featureAccessTotal,
              ["service", "feature"],
              increase(sel(featureAccessTotal, { result: FEATURE_ACCESS.denied }), "1h"),
            )} > ${threshold}`,
          summary: (t) => `A feature was denied more than ${times(t)} an hour.`,
          description:
            "{{ $labels.feature }} was denied {{ $value | humanize }} times in the last hour on {{ $labels.service }}: a plan limit users keep hitting, or a broken entitlement.",
        },
        {
          alert: "WebhookDeliveryFailures",
          severity: "warning",
          threshold: 10,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              webhookDeliveriesTotal,
              ["service"],
              increase(sel(webhookDeliveriesTotal, { status: WEBHOOK_STATUS.failed }), "1h"),
            )} > ${threshold}`,
          summary: (t) => `More than ${count(t)} webhook deliveries failed in an hour.`,
          description:
            "{{ $value | humanize }} webhook deliveries from {{ $labels.service }} failed in the last hour.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "LowUserRegistrations below 5 sign-ups in 24 hours",
      interval: "1h",
      inputSeries: [
        // a: 2.4 a day; b: 5.28 a day.
        series(userRegistrationsTotal, { service: "a", tier: "free", source: "web" }, "0+0.1x30"),
        series(userRegistrationsTotal, { service: "b", tier: "free", source: "web" }, "0+0.22x30"),
      ],
      alerts: [fires("LowUserRegistrations", "26h", { severity: "warning", service: "a" })],
    },
    {
      name: "LowUserRegistrations stays quiet at 5.28 sign-ups a day",
      interval: "1h",
      inputSeries: [
        series(userRegistrationsTotal, { service: "b", tier: "free", source: "web" }, "0+0.22x30"),
      ],
      alerts: [quiet("LowUserRegistrations", "26h")],
    },
    {
      name: "LowActiveUsers below 10 logins in an hour",
      interval: "1m",
      inputSeries: [
        // a: 6 an hour; b: 10.8 an hour.
        series(userLoginsTotal, { service: "a", method: "password" }, "0+0.1x120"),
        series(userLoginsTotal, { service: "b", method: "password" }, "0+0.18x120"),
      ],
      alerts: [fires("LowActiveUsers", "90m", { severity: "warning", service: "a" })],
    },
    {
      name: "LowActiveUsers stays quiet at 10.8 logins an hour",
      interval: "1m",
      inputSeries: [series(userLoginsTotal, { service: "b", method: "password" }, "0+0.18x120")],
      alerts: [quiet("LowActiveUsers", "90m")],
    },
    {
      name: "HighFeatureAccessDenials above 100 an hour for 30 minutes",
      interval: "1m",
      inputSeries: [
        // export: 120 denials an hour; api: 90 an hour; allowed checks do not count.
        series(
          featureAccessTotal,
          { service: "a", feature: "export", result: "denied" },
          "0+2x150",
        ),
        series(featureAccessTotal, { service: "a", feature: "api", result: "denied" }, "0+1.5x150"),
        series(
          featureAccessTotal,
          { service: "a", feature: "api", result: "allowed" },
          "0+100x150",
        ),
      ],
      alerts: [
        quiet("HighFeatureAccessDenials", "70m"),
        fires("HighFeatureAccessDenials", "120m", {
          severity: "warning",
          service: "a",
          feature: "export",
        }),
      ],
    },
    {
      name: "WebhookDeliveryFailures above 10 failures in an hour",
      interval: "1m",
      inputSeries: [
        // a: 15 failures an hour; b: 9 an hour.
        series(
          webhookDeliveriesTotal,
          { service: "a", event: "invoice.paid", status: "failed" },
          "0+0.25x90",
        ),
        series(
          webhookDeliveriesTotal,
          { service: "b", event: "invoice.paid", status: "failed" },
          "0+0.15x90",
        ),
        series(
          webhookDeliveriesTotal,
          { service: "b", event: "invoice.paid", status: "delivered" },
          "0+10x90",
        ),
      ],
      alerts: [
        quiet("WebhookDeliveryFailures", "30m"),
        fires("WebhookDeliveryFailures", "70m", { severity: "warning", service: "a" }),
      ],
    },
  ],
};
