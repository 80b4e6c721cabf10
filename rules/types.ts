/** Typed alerting and recording rules: plain data, rendered to Prometheus rule files. */

export type Severity = "critical" | "warning" | "info";
export type DurationUnit = "s" | "m" | "h" | "d" | "w";
/** A Prometheus duration such as "5m" or "24h"; checked by the compiler. */
export type PromDuration = `${number}${DurationUnit}`;

/**
 * What an alert's threshold measures, and so which values it can take (THRESHOLD_KINDS in
 * rules/threshold-kinds.ts holds each kind's range): a ratio of 0.05 means 5 %, a threshold
 * of 1.5 on a ratio could never be crossed.
 */
export type ThresholdKind =
  /** A share of a whole, 0 to 1 (an error ratio, a utilisation, free space). */
  | "ratio"
  /** A number of things or events: requests, credits, restarts, connections. */
  | "count"
  /** Events per second. */
  | "perSecond"
  /** A multiple of a reference (load per CPU, spend over its average). */
  | "factor"
  | "seconds"
  | "hours"
  | "bytes"
  /** A 0/1 series such as up or probe_success. */
  | "state";

interface AlertRuleBase {
  alert: string;
  severity: Severity;
  /** How long the condition must hold; omitted means the first evaluation fires. */
  for?: PromDuration;
  /** The expression, given the threshold in force. */
  expr: (threshold: number) => string;
  /** Static text, or text made from the threshold in force, so an override never leaves it stale. */
  summary: AlertText;
  /** May use `{{ $labels.x }}` and `{{ $value }}`; also static or made from the threshold. */
  description: AlertText;
  /**
   * Alerts of one family are severity levels of one condition (HighAPIErrorRate and
   * CriticalAPIErrorRate): while the critical one fires for a service, Alertmanager holds
   * back the family's warnings for that service.
   */
  family?: string;
  /** Defaults to the runbook page named after the alert. */
  runbookUrl?: string;
  /**
   * The scrape job whose series the alert reads, for a target the stack itself does not run
   * (a PostgreSQL exporter): the alert is rendered only in stacks whose Prometheus scrapes a
   * job of that name, so no stack carries an alert about a job that does not exist.
   */
  scrapeJob?: string;
  labels?: Record<string, string>;
}

/** An alert whose condition is fixed (Watchdog, a service down): no threshold to override. */
interface FixedAlertRule extends AlertRuleBase {
  threshold?: undefined;
  thresholdKind?: undefined;
}

interface ThresholdAlertRule extends AlertRuleBase {
  /**
   * The default threshold; stack config may override it
   * (`rules.overrides.<alert>.threshold`). Dashboards draw it from here too.
   */
  threshold: number;
  /** What the threshold measures; the loader refuses an override outside the kind's range. */
  thresholdKind: ThresholdKind;
}

/** A threshold always comes with its kind: the type refuses one without the other. */
export type AlertRule = FixedAlertRule | ThresholdAlertRule;

export type AlertText = string | ((threshold: number) => string);

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: PromDuration;
  rules: (AlertRule | RecordingRule)[];
}

/** promtool unit tests, typed; rendered to promtool's test file format. */
export interface SeriesInput {
  series: string;
  /** promtool's expanding notation, e.g. "0+10x20" or "1 1 _ 1". */
  values: string;
}
export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface AlertCase {
  evalTime: PromDuration;
  alertname: string;
  /** Empty: the alert must not be firing at evalTime. */
  expect: ExpectedAlert[];
}
export interface RuleTest {
  name: string;
  interval: PromDuration;
  inputSeries: SeriesInput[];
  alerts: AlertCase[];
}

/**
 * A named set of rules that is enabled or disabled as a whole per stack, with the tests
 * that prove its alerts fire above their thresholds and stay quiet below them.
 */
export interface RulePack {
  name: string;
  description: string;
  groups: RuleGroup[];
  tests: RuleTest[];
}

export function isAlert(rule: AlertRule | RecordingRule): rule is AlertRule {
  return "alert" in rule;
}
