import {
  AlertRule,
  AlertText,
  isAlert,
  PromDuration,
  RecordingRule,
  RuleGroup,
  RulePack,
  RuleTest,
  Severity,
} from "./types";
import { promqlSyntaxError } from "./promql";
import { prefixApplicationMetrics } from "../metrics/naming";

export const RUNBOOK_BASE_URL = "https://runbooks.observability-stack.dev/alerts";

/** What stack config may change about one alert without copying it. */
export interface AlertOverride {
  threshold?: number;
  for?: PromDuration;
  severity?: Severity;
}

export class RuleSyntaxError extends Error {
  constructor(
    readonly rule: string,
    readonly expr: string,
    position: number,
  ) {
    super(`rule ${rule}: PromQL syntax error at character ${position} of: ${expr}`);
    this.name = "RuleSyntaxError";
  }
}

function checked(rule: string, expr: string): string {
  const error = promqlSyntaxError(expr);
  if (error) throw new RuleSyntaxError(rule, expr, error.position);
  return expr;
}

/** The expression as deployed: checked, then with the stack's application metric names. */
function deployed(rule: string, expr: string, options: RenderOptions): string {
  return prefixApplicationMetrics(checked(rule, expr), options.metricPrefix ?? "");
}

/** The label that ties the severity levels of one condition together (see AlertRule.family). */
export const FAMILY_LABEL = "alert_family";

function text(value: AlertText, threshold: number): string {
  return typeof value === "string" ? value : value(threshold);
}

export interface RenderOptions {
  /**
   * Write each alert's annotations. Default: true. promtool unit tests compare annotations
   * exactly, and templated descriptions depend on the computed value, so the rule file
   * that a pack's tests load is rendered without them (`promtool check rules` still checks
   * the templates in the deployed file).
   */
  annotations?: boolean;
  /**
   * The prefix of the application metrics' names (config key `applicationMetrics.prefix`),
   * put before every application metric that an expression or a test's input series
   * selects (metrics/naming.ts). Default: none, and the output is the packs' text as is.
   */
  metricPrefix?: string;
  /**
   * The job names the stack's Prometheus scrapes: alerts whose `scrapeJob` is not one of them
   * are left out. Default: every alert (a pack's promtool tests load all of them).
   */
  scrapedJobs?: ReadonlySet<string>;
}

export function renderAlert(
  rule: AlertRule,
  override: AlertOverride = {},
  options: RenderOptions = {},
) {
  const threshold = override.threshold ?? rule.threshold ?? 0;
  const duration = override.for ?? rule.for;
  // A zero `for` (an override such as `0s`) is Prometheus' default: fire at once.
  const waits = duration !== undefined && !/^0+[a-z]*$/.test(duration);
  return {
    alert: rule.alert,
    expr: deployed(rule.alert, rule.expr(threshold), options),
    ...(waits && { for: duration }),
    labels: {
      severity: override.severity ?? rule.severity,
      ...(rule.family && { [FAMILY_LABEL]: rule.family }),
      ...rule.labels,
    },
    ...((options.annotations ?? true) && {
      annotations: {
        summary: text(rule.summary, threshold),
        description: text(rule.description, threshold),
        runbook_url: rule.runbookUrl ?? `${RUNBOOK_BASE_URL}/${rule.alert.toLowerCase()}`,
      },
    }),
  };
}

function renderRecording(rule: RecordingRule, options: RenderOptions) {
  return {
    record: rule.record,
    expr: deployed(rule.record, rule.expr, options),
    ...(rule.labels && { labels: rule.labels }),
  };
}

function readsScrapedJob(rule: AlertRule, scrapedJobs: ReadonlySet<string> | undefined) {
  return (
    rule.scrapeJob === undefined || scrapedJobs === undefined || scrapedJobs.has(rule.scrapeJob)
  );
}

export function renderGroup(
  group: RuleGroup,
  overrides: Record<string, AlertOverride> = {},
  options: RenderOptions = {},
) {
  return {
    name: group.name,
    ...(group.interval && { interval: group.interval }),
    rules: group.rules
      .filter((rule) => !isAlert(rule) || readsScrapedJob(rule, options.scrapedJobs))
      .map((rule) =>
        isAlert(rule)
          ? renderAlert(rule, overrides[rule.alert], options)
          : renderRecording(rule, options),
      ),
  };
}

/** A pack as a Prometheus rule file (`groups:`), with the stack's overrides applied. */
export function renderPack(
  pack: RulePack,
  overrides: Record<string, AlertOverride> = {},
  options: RenderOptions = {},
) {
  return {
    groups: pack.groups
      .map((group) => renderGroup(group, overrides, options))
      .filter((group) => group.rules.length > 0),
  };
}

/** Labels the renderer adds to an alert itself, so tests need not repeat them. */
function derivedLabels(pack: RulePack, alertname: string): Record<string, string> {
  const family = alertsOf(pack).find((alert) => alert.alert === alertname)?.family;
  return family ? { [FAMILY_LABEL]: family } : {};
}

function renderTest(pack: RulePack, test: RuleTest, metricPrefix: string) {
  return {
    name: test.name,
    interval: test.interval,
    input_series: test.inputSeries.map((input) => ({
      series: prefixApplicationMetrics(input.series, metricPrefix),
      values: input.values,
    })),
    alert_rule_test: test.alerts.map((check) => ({
      eval_time: check.evalTime,
      alertname: check.alertname,
      exp_alerts: check.expect.map((alert) => ({
        exp_labels: { ...derivedLabels(pack, check.alertname), ...alert.labels },
        ...(alert.annotations && { exp_annotations: alert.annotations }),
      })),
    })),
  };
}

/**
 * A promtool test file for a pack, reading the pack's rendered rule file by name. Render
 * that file with `{ annotations: false }` unless every expected alert lists its annotations,
 * and with the same `metricPrefix` as the tests: their input series are named as the
 * services of that stack expose them.
 */
export function renderPackTests(
  pack: RulePack,
  ruleFile: string,
  options: Pick<RenderOptions, "metricPrefix"> = {},
) {
  return {
    rule_files: [ruleFile],
    evaluation_interval: "1m",
    tests: pack.tests.map((test) => renderTest(pack, test, options.metricPrefix ?? "")),
  };
}

export function alertsOf(pack: RulePack): AlertRule[] {
  return pack.groups.flatMap((group) => group.rules.filter(isAlert));
}
