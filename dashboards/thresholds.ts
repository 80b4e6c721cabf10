/**
 * Panel thresholds taken from the alert rules, so a dashboard never retypes a number an
 * alert owns: change the rule (or override it in stack config) and the panel follows.
 */
import { Threshold } from "@grafana/grafana-foundation-sdk/dashboard";
import { Settings } from "../config/settings";
import { RULE_PACKS } from "../rules/packs";
import { alertsOf } from "../rules/render";
import { AlertRule, RulePack, Severity } from "../rules/types";

export interface AlertInForce {
  alert: string;
  pack: string;
  /** The rule's threshold with the stack's override applied. */
  threshold: number;
  severity: Severity;
}

function findAlert(name: string): { pack: RulePack; rule: AlertRule } {
  for (const pack of RULE_PACKS) {
    const rule = alertsOf(pack).find((candidate) => candidate.alert === name);
    if (rule) return { pack, rule };
  }
  throw new Error(`no alert named ${name} in any rule pack (rules/packs)`);
}

/**
 * The alert `name` as it is deployed for `settings`: its threshold and severity after
 * `rules.overrides`, or undefined when its pack is disabled (the alert does not exist in
 * that stack). Throws for an unknown name or an alert without a threshold.
 */
export function alertInForce(settings: Settings, name: string): AlertInForce | undefined {
  const { pack, rule } = findAlert(name);
  if (!settings.rules.packs.includes(pack.name)) return undefined;
  const override = settings.rules.overrides[name] ?? {};
  const threshold = override.threshold ?? rule.threshold;
  if (threshold === undefined) throw new Error(`alert ${name} has no threshold to draw`);
  return {
    alert: name,
    pack: pack.name,
    threshold,
    severity: override.severity ?? rule.severity,
  };
}

/** The threshold in force for alert `name`, or undefined when its pack is disabled. */
export function alertThreshold(settings: Settings, name: string): number | undefined {
  return alertInForce(settings, name)?.threshold;
}

const SEVERITY_COLORS: Record<Severity, string> = {
  info: "blue",
  warning: "orange",
  critical: "red",
};
const OK = "green";

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/**
 * Grafana colors a value with the highest step at or below it, while an "above" alert fires
 * only over its threshold. That matters for a threshold of 0 (any failure at all): its step
 * starts just above zero, so a quiet zero stays green.
 */
function aboveStep(threshold: number): number {
  return threshold === 0 ? Number.MIN_VALUE : threshold;
}

/**
 * Threshold steps for a panel that shows the quantity these alerts watch. `above`: the
 * alerts fire when the value rises over their thresholds (error ratio, latency); `below`:
 * when it falls under them (credit balance). Each step takes its alert's severity color;
 * alerts sharing a threshold give one step, in the worse color. Alerts of disabled packs are
 * left out; none left means a single neutral step.
 */
export function alertThresholds(
  settings: Settings,
  direction: "above" | "below",
  ...names: string[]
): Threshold[] {
  const byThreshold = new Map<number, AlertInForce>();
  for (const alert of names.map((name) => alertInForce(settings, name))) {
    if (alert === undefined) continue;
    const same = byThreshold.get(alert.threshold);
    if (!same || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[same.severity]) {
      byThreshold.set(alert.threshold, alert);
    }
  }
  const alerts = [...byThreshold.values()].sort((a, b) => a.threshold - b.threshold);
  if (alerts.length === 0) return [{ value: null, color: OK }];
  if (direction === "above") {
    return [
      { value: null, color: OK },
      ...alerts.map((alert) => ({
        value: aboveStep(alert.threshold),
        color: SEVERITY_COLORS[alert.severity],
      })),
    ];
  }
  // Below: the lowest threshold's alert colors everything under it; each higher threshold
  // hands over to the next alert up, and from the highest one on the value is fine.
  return [
    { value: null, color: SEVERITY_COLORS[alerts[0].severity] },
    ...alerts.map((alert, index) => ({
      value: alert.threshold,
      color: index + 1 < alerts.length ? SEVERITY_COLORS[alerts[index + 1].severity] : OK,
    })),
  ];
}
