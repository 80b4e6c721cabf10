import {
  apiKeyUsageTotal,
  authFailuresTotal,
  httpRequestsTotal,
  rateLimitExceededTotal,
  STATUS_CODES,
} from "../../metrics/application";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { count } from "../text";
import { fires, increase, quiet, rate, series, sumBy } from "./lib";

/** Authentication, rate limiting and API-key abuse. */
export const securityPack: RulePack = {
  name: "security",
  description: "Failed logins, rate limiting, unusual API-key traffic and refused access.",
  groups: [
    {
      name: "security",
      rules: [
        {
          alert: "HighAuthFailureRate",
          severity: "warning",
          for: "5m",
          threshold: 10,
          thresholdKind: "perSecond",
          expr: (threshold) =>
            `${sumBy(authFailuresTotal, ["service"], rate(sel(authFailuresTotal), "5m"))} > ${threshold}`,
          summary: (t) => `More than ${count(t)} authentication failures per second.`,
          description:
            "{{ $labels.service }} refuses {{ $value | humanize }} logins per second: a credential-stuffing attempt or a broken client.",
        },
        {
          alert: "RateLimitExceeded",
          severity: "warning",
          for: "2m",
          threshold: 100,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(rateLimitExceededTotal, ["service"], increase(sel(rateLimitExceededTotal), "1m"))} > ${threshold}`,
          summary: (t) => `The rate limiter refuses more than ${count(t)} requests a minute.`,
          description:
            "{{ $labels.service }} refused {{ $value | humanize }} requests in the last minute for exceeding a rate limit.",
        },
        {
          alert: "SuspiciousAPIKeyUsage",
          severity: "warning",
          threshold: 1000,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(apiKeyUsageTotal, ["service", "api_key_id"], increase(sel(apiKeyUsageTotal), "5m"))} > ${threshold}`,
          summary: (t) => `One API key made more than ${count(t)} requests in 5 minutes.`,
          description:
            "API key {{ $labels.api_key_id }} made {{ $value | humanize }} requests to {{ $labels.service }} in 5 minutes. It may be leaked or misused.",
        },
        {
          alert: "UnauthorizedAccessAttempts",
          severity: "warning",
          threshold: 50,
          thresholdKind: "count",
          expr: (threshold) =>
            `${sumBy(
              httpRequestsTotal,
              ["service"],
              increase(
                sel(httpRequestsTotal, { status_code: { re: STATUS_CODES.unauthorized } }),
                "5m",
              ),
            )} > ${threshold}`,
          summary: (t) =>
            `More than ${count(t)} requests were refused as unauthorised in 5 minutes.`,
          description:
            "{{ $labels.service }} answered {{ $value | humanize }} requests with 401 or 403 in the last 5 minutes.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "HighAuthFailureRate above 10 failures per second for 5 minutes",
      interval: "1m",
      inputSeries: [
        series(authFailuresTotal, { service: "a", reason: "invalid_password" }, "0+660x20"),
        series(authFailuresTotal, { service: "b", reason: "invalid_password" }, "0+590x20"),
      ],
      alerts: [
        quiet("HighAuthFailureRate", "7m"),
        fires("HighAuthFailureRate", "12m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "RateLimitExceeded above 100 refusals a minute for 2 minutes",
      interval: "15s",
      inputSeries: [
        // a: 120 a minute; b: 96 a minute.
        series(rateLimitExceededTotal, { service: "a", route: "/v1/chat" }, "0+30x40"),
        series(rateLimitExceededTotal, { service: "b", route: "/v1/chat" }, "0+24x40"),
      ],
      alerts: [
        quiet("RateLimitExceeded", "2m"),
        fires("RateLimitExceeded", "5m", { severity: "warning", service: "a" }),
      ],
    },
    {
      name: "SuspiciousAPIKeyUsage above 1000 requests in 5 minutes",
      interval: "1m",
      inputSeries: [
        series(apiKeyUsageTotal, { service: "a", api_key_id: "key-1" }, "0+250x10"),
        series(apiKeyUsageTotal, { service: "a", api_key_id: "key-2" }, "0+190x10"),
      ],
      alerts: [
        quiet("SuspiciousAPIKeyUsage", "3m"),
        fires("SuspiciousAPIKeyUsage", "6m", {
          severity: "warning",
          service: "a",
          api_key_id: "key-1",
        }),
      ],
    },
    {
      name: "UnauthorizedAccessAttempts above 50 refused requests in 5 minutes",
      interval: "1m",
      inputSeries: [
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/admin", status_code: "401" },
          "0+6x10",
        ),
        series(
          httpRequestsTotal,
          { service: "a", route: "/v1/admin", status_code: "403" },
          "0+6x10",
        ),
        // b: 45 refusals in 5 minutes; its 500s do not count.
        series(
          httpRequestsTotal,
          { service: "b", route: "/v1/admin", status_code: "403" },
          "0+9x10",
        ),
        series(
          httpRequestsTotal,
          { service: "b", route: "/v1/admin", status_code: "500" },
          "0+50x10",
        ),
      ],
      alerts: [
        quiet("UnauthorizedAccessAttempts", "3m"),
        fires("UnauthorizedAccessAttempts", "6m", { severity: "warning", service: "a" }),
      ],
    },
  ],
};
