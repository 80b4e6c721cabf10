import { Dependency, DEPENDENCY, dependencyUp } from "../../metrics/application";
import { by, sel } from "../../metrics/promql";
import { AlertRule, PromDuration, RulePack } from "../types";
import { fires, quiet, series } from "./lib";

/**
 * A dependency is down when no service's readiness check reaches it: one service that
 * cannot connect is that service's problem, all of them failing is the dependency's.
 */
function dependencyDown(
  alert: string,
  dependency: Dependency,
  displayName: string,
  duration: PromDuration,
  impact: string,
): AlertRule {
  return {
    alert,
    severity: "critical",
    for: duration,
    expr: () =>
      `max ${by(dependencyUp, "dependency")} (${sel(dependencyUp, { dependency: DEPENDENCY[dependency] })}) == 0`,
    summary: `${displayName} is unreachable from every service.`,
    description: `No service's readiness check reaches ${displayName}. ${impact}`,
  };
}

/** The services our applications need, seen through their readiness checks. */
export const dependenciesPack: RulePack = {
  name: "dependencies",
  description: "Keycloak, Redis, PostgreSQL and the LiteLLM proxy, as the services reach them.",
  groups: [
    {
      name: "dependencies",
      rules: [
        dependencyDown("KeycloakDown", "keycloak", "Keycloak", "2m", "Nobody can log in."),
        dependencyDown(
          "RedisDown",
          "redis",
          "Redis",
          "2m",
          "Caches, sessions and rate limits are unavailable.",
        ),
        dependencyDown(
          "PostgreSQLDown",
          "postgresql",
          "PostgreSQL",
          "1m",
          "Every request that reads or writes data fails.",
        ),
        dependencyDown(
          "LiteLLMProxyDown",
          "litellm",
          "The LiteLLM proxy",
          "5m",
          "LLM requests fail.",
        ),
      ],
    },
  ],
  tests: [
    {
      name: "dependencies are down when every service fails to reach them, after their duration",
      interval: "1m",
      inputSeries: [
        series(dependencyUp, { service: "a", dependency: "keycloak" }, "0x10"),
        series(dependencyUp, { service: "b", dependency: "keycloak" }, "0x10"),
        // Only a fails to reach Redis: a's problem, not Redis's.
        series(dependencyUp, { service: "a", dependency: "redis" }, "0x10"),
        series(dependencyUp, { service: "b", dependency: "redis" }, "1x10"),
        series(dependencyUp, { service: "a", dependency: "postgresql" }, "1 0x10"),
        series(dependencyUp, { service: "a", dependency: "litellm" }, "0x10"),
      ],
      alerts: [
        quiet("KeycloakDown", "1m"),
        fires("KeycloakDown", "3m", { severity: "critical", dependency: "keycloak" }),
        quiet("RedisDown", "5m"),
        quiet("PostgreSQLDown", "1m"),
        fires("PostgreSQLDown", "2m", { severity: "critical", dependency: "postgresql" }),
        quiet("LiteLLMProxyDown", "4m"),
        fires("LiteLLMProxyDown", "6m", { severity: "critical", dependency: "litellm" }),
      ],
    },
    {
      name: "RedisDown fires when no service reaches Redis for 2 minutes",
      interval: "1m",
      inputSeries: [
        series(dependencyUp, { service: "a", dependency: "redis" }, "1 1 0x10"),
        series(dependencyUp, { service: "b", dependency: "redis" }, "1 0x10"),
      ],
      alerts: [
        quiet("RedisDown", "3m"),
        fires("RedisDown", "4m", { severity: "critical", dependency: "redis" }),
      ],
    },
  ],
};
