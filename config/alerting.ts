import { RULE_PACKS } from "../rules/packs";
import { alertsOf } from "../rules/render";
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

function deadMansSwitchProblems(config: StackConfig): string[] {
  if (config.deadMansSwitchUrl === undefined) return [];
  // The always-firing alert carries the watchdog label (rules/packs/stack.ts).
  const [pack, heartbeat] =
    RULE_PACKS.flatMap((candidate) =>
      alertsOf(candidate)
        .filter((rule) => rule.labels?.watchdog === "true")
        .map((rule) => [candidate, rule.alert] as const),
    )[0] ?? [];
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
