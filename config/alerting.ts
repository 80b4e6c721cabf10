import { RULE_PACKS } from "../rules/packs";
import { alertsOf } from "../rules/render";
import { ROUTE_TREE } from "../rules/alertmanager";
import { THRESHOLD_KINDS, withinRange } from "../rules/threshold-kinds";
import { configKey, problem } from "./errors";
import { StackConfig } from "./schema";

/**
 * Alerting settings that contradict each other or what an alert can mean: a dead man's switch
 * with its heartbeat alert disabled, a threshold no value of its alert could ever cross.
 */
export function alertingProblems(config: StackConfig): string[] {
  return [...deadMansSwitchProblems(config), ...thresholdProblems(config)];
}

/** The alert the dead man's switch receiver hears, from the route that feeds it. */
function heartbeatAlert(): string | undefined {
  const route = ROUTE_TREE.routes?.find((candidate) => candidate.receiver === "deadmansswitch");
  const matcher = route?.matchers?.find((text) => text.startsWith("alertname="));
  return matcher === undefined ? undefined : JSON.parse(matcher.slice("alertname=".length));
}

function deadMansSwitchProblems(config: StackConfig): string[] {
  if (config.deadMansSwitchUrl === undefined) return [];
  const heartbeat = heartbeatAlert();
  const pack = RULE_PACKS.find((candidate) =>
    alertsOf(candidate).some((rule) => rule.alert === heartbeat),
  );
  if (pack === undefined || config.rules?.packs?.[pack.name] !== false) return [];
  return [
    problem(
      ["rules", "packs", pack.name],
      false,
      `disables ${heartbeat}, the always-firing alert the dead man's switch (${configKey(["deadMansSwitchUrl"])}, set) must keep hearing: without it the switch would page for ever; remove the key (the pack is on by default) or remove deadMansSwitchUrl`,
    ),
  ];
}

const THRESHOLD_RULES = new Map(
  RULE_PACKS.flatMap((pack) => alertsOf(pack)).flatMap((rule) =>
    rule.threshold === undefined ? [] : [[rule.alert, rule] as const],
  ),
);

/** An override's threshold must be a value its alert's measure can take. */
function thresholdProblems(config: StackConfig): string[] {
  return Object.entries(config.rules?.overrides ?? {}).flatMap(([alert, override]) => {
    const rule = THRESHOLD_RULES.get(alert);
    const value = override?.threshold;
    if (rule === undefined || value === undefined || withinRange(rule.thresholdKind, value)) {
      return [];
    }
    const range = THRESHOLD_KINDS[rule.thresholdKind];
    // String(), not JSON: NaN and the infinities are shown as written, not as null.
    return [
      `${configKey(["rules", "overrides", alert, "threshold"])} = ${String(value)}: ${alert}'s threshold ${range.allowed} (kind ${rule.thresholdKind}); its default is ${rule.threshold} (${range.show(rule.threshold)})`,
    ];
  });
}
