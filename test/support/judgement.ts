/**
 * The live judgement: what a stack deployed (its rendered rule files and dashboards) read
 * against a running Prometheus. Each judgement returns a report: figures and lines for the
 * test output, and failures (empty when all is well) for the test to assert on.
 *
 *   judgeMetrics     every metric a rule, recording rule or panel selects is there, from the
 *                    job meant to expose it (exemptions: metrics/exemptions.ts)
 *   judgeRuleGroups  every rule group loaded, evaluated, every rule health ok, no lastError
 *   judgePanels      every PromQL panel, queried as Grafana would, returns a series
 *   judgePint        pint's online checks against that Prometheus (reasons: rules/pint.hcl)
 */
import { KUBELET_JOB } from "../../metrics/exporters/kubelet";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { renderDatasources } from "../../components/grafana/config";
import { PROBE_JOB } from "../../components/sentry/probe";
import { Settings } from "../../config/settings";
import { dashboardFiles, DashboardFile } from "../../dashboards";
import {
  METRIC_EXEMPTIONS,
  MetricExemption,
  PANEL_EXEMPTIONS,
  PanelExemption,
} from "../../metrics/exemptions";
import { exposedSeriesName } from "../../metrics/naming";
import * as application from "../../metrics/application";
import { catalogSeries, EXPORTER_CATALOGS, ExporterCatalogName } from "../../metrics/catalogs";
import { ruleFiles } from "../../rules";
import { LabelMatcher, metricNames, selectors } from "../../rules/promql";
import { describeProblems, pintLint, writeStackRules } from "./pint";
import { scratchDir } from "./tools";

export interface Report {
  title: string;
  /** e.g. { seen: 120, used: 135 } */
  figures: Record<string, number>;
  lines: string[];
  /** What fails the judgement; empty when all is well. */
  failures: string[];
}

/** The report as the test prints it. */
export function formatReport(report: Report): string {
  const figures = Object.entries(report.figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  return [
    `== ${report.title}: ${figures}`,
    ...report.lines,
    ...report.failures.map((f) => `FAIL ${f}`),
  ].join("\n");
}

// --- Talking to Prometheus ----------------------------------------------------------------

async function api<T>(base: string, path: string, params: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
  }
  // Query and series endpoints take POST (long selectors); /api/v1/rules only GET.
  const post = path !== "/api/v1/rules";
  const response = await fetch(post ? `${base}${path}` : `${base}${path}?${body}`, {
    method: post ? "POST" : "GET",
    ...(post && { headers: { "content-type": "application/x-www-form-urlencoded" }, body }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await response.json()) as { status: string; data: T; error?: string };
  if (json.status !== "success") throw new Error(`${path}: ${json.error ?? response.status}`);
  return json.data;
}

// --- What the stack deployed --------------------------------------------------------------

interface RenderedRule {
  alert?: string;
  record?: string;
  expr: string;
}

export interface RenderedGroup {
  file: string;
  name: string;
  rules: RenderedRule[];
}

/** The rule groups the stack's Prometheus loads, as rendered for its settings. */
export function deployedRuleGroups(settings: Settings): RenderedGroup[] {
  return ruleFiles(settings).flatMap((file) =>
    (yaml.load(file.content) as { groups: Omit<RenderedGroup, "file">[] }).groups.map((group) => ({
      ...group,
      file: file.name,
    })),
  );
}

export interface PromqlTarget {
  refId: string;
  expr: string;
  instant: boolean;
}

export interface PromqlPanel {
  dashboard: string;
  title: string;
  /** Grid columns (1–24). */
  width: number;
  /** The panel's own min interval (Grafana's "Min interval"), if set. */
  interval?: string;
  maxDataPoints?: number;
  targets: PromqlTarget[];
  variables: Record<string, string>;
}

interface PanelJson {
  type: string;
  title?: string;
  interval?: string;
  maxDataPoints?: number;
  gridPos?: { w: number };
  datasource?: { type?: string };
  panels?: PanelJson[];
  targets?: { refId?: string; expr?: string; instant?: boolean; datasource?: { type?: string } }[];
}

interface VariableJson {
  name: string;
  type: string;
  allValue?: string;
  current?: { value?: string | string[] };
  query?: unknown;
}

/**
 * Dashboard variables at their defaults, as Grafana opens the dashboard: a query variable on
 * "All" takes its allValue, a custom one its current value, a text box its default.
 */
function variableDefaults(file: DashboardFile): Record<string, string> {
  const model = file.json as { templating?: { list?: VariableJson[] } };
  const values: Record<string, string> = {};
  for (const variable of model.templating?.list ?? []) {
    const current = variable.current?.value;
    const value = Array.isArray(current) ? current[0] : current;
    if (value === "$__all") values[variable.name] = variable.allValue ?? ".*";
    else if (variable.type === "textbox")
      values[variable.name] = value ?? String(variable.query ?? "");
    else values[variable.name] = value ?? "";
  }
  return values;
}

/** Every panel with a Prometheus query, from the dashboards the stack provisions. */
export function deployedPromqlPanels(settings: Settings): PromqlPanel[] {
  return dashboardFiles(settings).flatMap((file) => {
    const variables = variableDefaults(file);
    const panels = ((file.json as { panels?: PanelJson[] }).panels ?? []).flatMap((panel) =>
      panel.type === "row" ? (panel.panels ?? []) : [panel],
    );
    return panels.flatMap((panel) => {
      const targets = (panel.targets ?? [])
        .filter(
          (target) =>
            (target.datasource?.type ?? panel.datasource?.type) === "prometheus" && target.expr,
        )
        .map((target) => ({
          refId: target.refId ?? "A",
          expr: target.expr!,
          instant: target.instant === true,
        }));
      if (targets.length === 0) return [];
      return [
        {
          dashboard: file.uid,
          title: panel.title ?? "",
          width: panel.gridPos?.w ?? 12,
          interval: panel.interval,
          maxDataPoints: panel.maxDataPoints,
          targets,
          variables,
        },
      ];
    });
  });
}

// --- Grafana's interpolation ----------------------------------------------------------------

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

function durationText(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Grafana's rounding of a computed interval to a readable one (rangeUtil.roundInterval in
 * @grafana/data): each bound below maps to the interval beside it.
 */
const ROUNDING: [number, number][] = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [250, 200],
  [350, 300],
  [450, 400],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12500, 10_000],
  [17500, 15_000],
  [25000, 20_000],
  [45000, 30_000],
  [90000, 60_000],
  [210000, 120_000],
  [450000, 300_000],
  [750000, 600_000],
  [1050000, 900_000],
  [1500000, 1_200_000],
  [2700000, 1_800_000],
  [5400000, 3_600_000],
  [9000000, 7_200_000],
  [16200000, 10_800_000],
  [32400000, 21_600_000],
  [86400000, 43_200_000],
  [604800000, 86_400_000],
];

export function roundInterval(ms: number): number {
  return ROUNDING.find(([bound]) => ms < bound)?.[1] ?? 604_800_000;
}

/** Assumed screen width of a dashboard: Grafana asks for about one point per pixel. */
const DASHBOARD_PIXELS = 1920;

export interface QueryWindow {
  /** Unix ms of the range's end (Grafana's "now"). */
  end: number;
  /** The dashboard's time range; the judgement uses the last 15 minutes. */
  rangeMs: number;
  /** The Prometheus datasource's scrape interval (its jsonData.timeInterval). */
  scrapeMs: number;
}

export interface GrafanaQuery {
  expr: string;
  stepMs: number;
  start: number;
  end: number;
}

/**
 * A panel's query as Grafana sends it: $__interval from the range over the panel's data
 * points, never below the min interval (the panel's, else the datasource's scrape interval);
 * $__rate_interval = max($__interval + scrape interval, 4 × scrape interval); $__range the
 * dashboard's range; variables at their defaults. The range is aligned to the step.
 */
export function grafanaQuery(panel: PromqlPanel, target: PromqlTarget, window: QueryWindow) {
  const points = panel.maxDataPoints ?? Math.round((panel.width / 24) * DASHBOARD_PIXELS);
  const minInterval = panel.interval ? durationMs(panel.interval) : window.scrapeMs;
  const intervalMs = Math.max(minInterval, roundInterval(window.rangeMs / points));
  const rateIntervalMs = Math.max(intervalMs + window.scrapeMs, 4 * window.scrapeMs);
  const builtIns: Record<string, string> = {
    __interval: durationText(intervalMs),
    __interval_ms: String(intervalMs),
    __rate_interval: durationText(rateIntervalMs),
    __rate_interval_ms: String(rateIntervalMs),
    __range: durationText(window.rangeMs),
    __range_s: String(Math.round(window.rangeMs / 1000)),
    __range_ms: String(window.rangeMs),
  };
  const values = { ...panel.variables, ...builtIns };
  const expr = target.expr.replace(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g,
    (_match, a?: string, b?: string, c?: string) => {
      const name = a ?? b ?? c!;
      if (!(name in values))
        throw new Error(`${panel.dashboard} "${panel.title}": no value for $${name}`);
      return values[name];
    },
  );
  const end = Math.floor(window.end / intervalMs) * intervalMs;
  const start = Math.floor((window.end - window.rangeMs) / intervalMs) * intervalMs;
  return { expr, stepMs: intervalMs, start, end };
}

// --- Which job is meant to expose a metric ------------------------------------------------

/** Where the catalogs say a metric comes from. */
export type MetricSource =
  | { kind: "component"; id: ComponentId }
  | { kind: "probe" }
  /** A scrape job the stack writes for a program it does not run (the kubelets). */
  | { kind: "job"; job: string }
  | { kind: "application" }
  /** `up`: Prometheus writes it for every target. */
  | { kind: "scrape" }
  | { kind: "recorded" };

/** Who exposes each exporter catalog's metrics: a new catalog without a source fails to compile. */
const EXPORTER_SOURCES: Record<ExporterCatalogName, MetricSource> = {
  alertmanager: { kind: "component", id: "alertmanager" },
  blackbox: { kind: "probe" },
  cadvisor: { kind: "component", id: "cadvisor" },
  jaeger: { kind: "component", id: "jaeger" },
  kubeStateMetrics: { kind: "component", id: "kubeStateMetrics" },
  kubelet: { kind: "job", job: KUBELET_JOB },
  loki: { kind: "component", id: "loki" },
  nodeExporter: { kind: "component", id: "nodeExporter" },
  otelCollector: { kind: "component", id: "otelCollector" },
  prometheus: { kind: "component", id: "prometheus" },
};

const CATALOG_SOURCES: [unknown, MetricSource][] = [
  [application, { kind: "application" }],
  ...Object.entries(EXPORTER_CATALOGS).map(([name, catalog]): [unknown, MetricSource] => [
    catalog,
    EXPORTER_SOURCES[name as ExporterCatalogName],
  ]),
];

/**
 * Every catalog series, named as the stack's Prometheus stores it (application series under
 * the stack's `applicationMetrics.prefix`), with the sources meant to expose it (a name may
 * have several).
 */
function catalogSources(prefix: string): Map<string, MetricSource[]> {
  const sources = new Map<string, MetricSource[]>();
  for (const [catalog, source] of CATALOG_SOURCES) {
    for (const name of catalogSeries(catalog)) {
      const series = source.kind === "application" ? exposedSeriesName(name, prefix) : name;
      const resolved: MetricSource = series === "up" ? { kind: "scrape" } : source;
      const known = sources.get(series) ?? [];
      if (!known.some((s) => JSON.stringify(s) === JSON.stringify(resolved))) known.push(resolved);
      sources.set(series, known);
    }
  }
  return sources;
}

// --- 1. Metrics ---------------------------------------------------------------------------

/** One selector of a used metric, and who uses it. */
export interface MetricUse {
  metric: string;
  /** The selector's job matcher, when it has one. */
  job?: LabelMatcher;
  users: Set<string>;
}

/** Every selector with a metric name in the stack's rules, recording rules and panels. */
export function usedMetrics(settings: Settings): MetricUse[] {
  const uses = new Map<string, MetricUse>();
  const add = (expr: string, user: string) => {
    for (const selector of selectors(expr)) {
      const job = selector.matchers.find((m) => m.label === "job");
      const key = `${selector.name}|${job ? `${job.op}${job.value}` : ""}`;
      const use = uses.get(key) ?? { metric: selector.name, job, users: new Set<string>() };
      use.users.add(user);
      uses.set(key, use);
    }
  };
  for (const group of deployedRuleGroups(settings)) {
    for (const rule of group.rules) add(rule.expr, `rule ${rule.alert ?? rule.record}`);
  }
  for (const panel of deployedPromqlPanels(settings)) {
    for (const target of panel.targets) {
      // Variables stand in as values PromQL accepts, so the selectors parse.
      const query = grafanaQuery(panel, target, { end: 0, rangeMs: 900_000, scrapeMs: 15_000 });
      add(query.expr, `panel ${panel.dashboard}/"${panel.title}"`);
    }
  }
  return [...uses.values()].sort((a, b) => a.metric.localeCompare(b.metric));
}

export interface MetricJudgementOptions {
  /** The scrape jobs of application services (the e2e's demo service). */
  applicationJobs: string[];
  /** A job that stands in for a component's (the e2e runs cAdvisor itself). */
  componentJobs?: Partial<Record<ComponentId, string>>;
  exemptions?: readonly MetricExemption[];
  /** How far back a series counts as present. Default: 15 minutes. */
  lookbackMs?: number;
}

function exemptionFor(use: MetricUse, exemptions: readonly MetricExemption[]) {
  return exemptions.find(
    (exemption) =>
      exemption.metrics.includes(use.metric) &&
      (exemption.job === undefined || (use.job?.op === "=" && use.job.value === exemption.job)),
  );
}

/** The job matcher a use is judged with: its own, else the catalog's job(s) for the metric. */
function expectedJob(
  use: MetricUse,
  sources: MetricSource[] | undefined,
  recorded: Set<string>,
  options: MetricJudgementOptions,
): string | undefined {
  if (use.job) return `job${use.job.op}${JSON.stringify(use.job.value)}`;
  if (recorded.has(use.metric)) return undefined;
  if (!sources) return "unknown";
  const jobs = sources.flatMap((source): string[] => {
    switch (source.kind) {
      case "component":
        return [options.componentJobs?.[source.id] ?? CATALOG[source.id].serviceName];
      case "probe":
        return [PROBE_JOB];
      case "job":
        return [source.job];
      case "application":
        return options.applicationJobs;
      default:
        return [];
    }
  });
  if (jobs.length === 0) return undefined;
  const escaped = jobs.map((job) => job.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return `job=~${JSON.stringify(escaped.join("|"))}`;
}

/**
 * Every metric the stack's rules and panels select is in Prometheus (a series within the
 * lookback), from the job the selector names or the catalog says exposes it. Uses of a
 * metric that a selector rewrites to another job are judged against that job: a rule with
 * `{job="cadvisor"}` reads cAdvisor's series only.
 */
export async function judgeMetrics(
  prometheusUrl: string,
  settings: Settings,
  options: MetricJudgementOptions,
): Promise<Report> {
  const exemptions = options.exemptions ?? METRIC_EXEMPTIONS;
  const uses = usedMetrics(settings);
  const sources = catalogSources(settings.applicationMetrics.prefix);
  const recorded = new Set(
    deployedRuleGroups(settings).flatMap((g) =>
      g.rules.flatMap((r) => (r.record ? [r.record] : [])),
    ),
  );
  const now = Date.now() / 1000;
  const start = String(now - (options.lookbackMs ?? 900_000) / 1000);
  const missing = new Map<string, string[]>();
  const exempted = new Map<string, string>();
  const failures: string[] = [];
  const lines: string[] = [];
  for (const use of uses) {
    const exemption = exemptionFor(use, exemptions);
    const job = expectedJob(use, sources.get(use.metric), recorded, options);
    if (job === "unknown" && !exemption) {
      failures.push(`${use.metric}: in no catalog of metrics/ and recorded by no rule`);
      continue;
    }
    const matchers = [
      `__name__=${JSON.stringify(use.metric)}`,
      ...(job && job !== "unknown" ? [job] : []),
    ];
    const series = await api<Record<string, string>[]>(prometheusUrl, "/api/v1/series", {
      "match[]": `{${matchers.join(", ")}}`,
      start,
      end: String(now),
      limit: "1",
    });
    const where = `${use.metric}${job && job !== "unknown" ? `{${job}}` : ""}`;
    if (series.length > 0) {
      if (exemption) lines.push(`seen although exempted (${exemption.kind}): ${where}`);
      continue;
    }
    if (exemption) {
      exempted.set(
        use.metric,
        `${exemption.kind}${exemption.condition ? ` (${exemption.condition})` : ""}`,
      );
      continue;
    }
    missing.set(where, [...use.users]);
  }
  const names = new Set(uses.map((use) => use.metric));
  const missingNames = new Set([...missing.keys()].map((where) => where.replace(/\{.*$/, "")));
  const exemptNames = new Set([...exempted.keys()].filter((name) => !missingNames.has(name)));
  const seen = [...names].filter((name) => !missingNames.has(name) && !exemptNames.has(name));
  for (const [where, users] of missing) {
    failures.push(
      `${where}: no series in the last ${(options.lookbackMs ?? 900_000) / 60_000}m; read by ${users.join(", ")}`,
    );
  }
  for (const exemption of exemptions) {
    const needed = uses.some((use) => exemptionFor(use, [exemption]) === exemption);
    if (!needed)
      failures.push(
        `stale exemption (metrics/exemptions.ts): ${exemption.metrics.join(", ")}${exemption.job ? ` job=${exemption.job}` : ""} is read by no rule or panel of this stack`,
      );
  }
  for (const [name, why] of [...exempted].sort()) lines.push(`exempted: ${name}: ${why}`);
  return {
    title: "metrics used by rules and panels, present in Prometheus",
    figures: {
      seen: seen.length,
      used: names.size,
      exempted: exemptNames.size,
      missing: missingNames.size,
    },
    lines,
    failures,
  };
}

// --- 2. Rule groups -----------------------------------------------------------------------

interface LoadedRule {
  name: string;
  health: string;
  lastError?: string;
}

interface LoadedGroup {
  name: string;
  file: string;
  lastEvaluation: string;
  rules: LoadedRule[];
}

/**
 * Every rule group the stack renders is loaded by Prometheus, has been evaluated, and every
 * rule in it has health `ok` and no lastError.
 */
export async function judgeRuleGroups(
  prometheusUrl: string,
  settings: Settings,
  /** The groups to judge; default: the stack's rendered groups. */
  deployed: RenderedGroup[] = deployedRuleGroups(settings),
): Promise<Report> {
  const data = await api<{ groups: LoadedGroup[] }>(prometheusUrl, "/api/v1/rules", {});
  const failures: string[] = [];
  let ok = 0;
  for (const group of deployed) {
    const loaded = data.groups.find(
      (candidate) => candidate.name === group.name && candidate.file.endsWith(`/${group.file}`),
    );
    if (!loaded) {
      failures.push(`group ${group.name} (${group.file}): not loaded by Prometheus`);
      continue;
    }
    const problems: string[] = [];
    if (loaded.rules.length !== group.rules.length)
      problems.push(`${loaded.rules.length} rules loaded, ${group.rules.length} rendered`);
    if (loaded.lastEvaluation.startsWith("0001-")) problems.push("never evaluated");
    for (const rule of loaded.rules) {
      if (rule.health !== "ok" || rule.lastError)
        problems.push(
          `${rule.name}: health ${rule.health}${rule.lastError ? `, lastError ${rule.lastError}` : ""}`,
        );
    }
    if (problems.length === 0) ok++;
    else failures.push(`group ${group.name} (${group.file}): ${problems.join("; ")}`);
  }
  const extra = data.groups.filter(
    (loaded) =>
      !deployed.some(
        (group) => group.name === loaded.name && loaded.file.endsWith(`/${group.file}`),
      ),
  );
  return {
    title: "rule groups evaluating with health ok and no lastError",
    figures: { ok, total: deployed.length },
    lines: extra.map(
      (group) => `loaded but not rendered for this stack: ${group.name} (${group.file})`,
    ),
    failures,
  };
}

// --- 3. Panels ------------------------------------------------------------------------------

export interface PanelJudgementOptions {
  /** Default: the last 15 minutes, ending now. */
  rangeMs?: number;
  end?: number;
  metricExemptions?: readonly MetricExemption[];
  panelExemptions?: readonly PanelExemption[];
}

/** The scrape interval Grafana's Prometheus datasource is provisioned with. */
export function datasourceScrapeMs(settings: Settings): number {
  const source = renderDatasources(settings).datasources.find((s) => s.type === "prometheus");
  const interval = (source?.jsonData as { timeInterval?: string } | undefined)?.timeInterval;
  return durationMs(interval ?? "15s");
}

/**
 * Every panel with a PromQL query, each target sent as Grafana sends it (range targets to
 * /api/v1/query_range with the panel's step, instant ones to /api/v1/query at the range's
 * end), returns at least one series. A panel without data is explained when it reads an
 * exempted metric, or by a panel exemption; otherwise it fails.
 */
export async function judgePanels(
  prometheusUrl: string,
  settings: Settings,
  options: PanelJudgementOptions = {},
): Promise<Report> {
  const window: QueryWindow = {
    end: options.end ?? Date.now(),
    rangeMs: options.rangeMs ?? 900_000,
    scrapeMs: datasourceScrapeMs(settings),
  };
  const metricExemptions = options.metricExemptions ?? METRIC_EXEMPTIONS;
  const panelExemptions = options.panelExemptions ?? PANEL_EXEMPTIONS;
  const panels = deployedPromqlPanels(settings);
  const failures: string[] = [];
  const lines: string[] = [];
  const usedPanelExemptions = new Set<PanelExemption>();
  let withData = 0;
  for (const panel of panels) {
    let series = 0;
    const queries: string[] = [];
    for (const target of panel.targets) {
      const query = grafanaQuery(panel, target, window);
      queries.push(query.expr);
      const result = target.instant
        ? await api<{ result: unknown[] }>(prometheusUrl, "/api/v1/query", {
            query: query.expr,
            time: String(query.end / 1000),
          })
        : await api<{ result: unknown[] }>(prometheusUrl, "/api/v1/query_range", {
            query: query.expr,
            start: String(query.start / 1000),
            end: String(query.end / 1000),
            step: String(query.stepMs / 1000),
          });
      series += result.result.length;
    }
    const name = `${panel.dashboard}/"${panel.title}"`;
    if (series > 0) {
      withData++;
      continue;
    }
    const exempt = metricExemptions.find((exemption) =>
      queries.some((expr) =>
        metricNames(expr).some((metric) => exemption.metrics.includes(metric)),
      ),
    );
    const panelExemption = panelExemptions.find(
      (e) => e.dashboard === panel.dashboard && e.panel === panel.title,
    );
    if (panelExemption) usedPanelExemptions.add(panelExemption);
    if (exempt) lines.push(`no data, exempted (${exempt.kind}: ${exempt.metrics[0]}...): ${name}`);
    else if (panelExemption) lines.push(`no data, exempted: ${name}: ${panelExemption.reason}`);
    else failures.push(`${name}: no series; queries: ${queries.join(" ;; ")}`);
  }
  for (const exemption of panelExemptions) {
    if (!usedPanelExemptions.has(exemption))
      failures.push(
        `stale panel exemption: ${exemption.dashboard}/"${exemption.panel}" has data or does not exist`,
      );
  }
  return {
    title: `PromQL panels with data (last ${window.rangeMs / 60_000}m, as Grafana queries them)`,
    figures: { withData, total: panels.length },
    lines,
    failures,
  };
}

// --- 4. pint online -----------------------------------------------------------------------

/**
 * pint's online checks on the stack's rendered rules against its Prometheus: every problem
 * it reports fails; accepted findings are disabled in rules/pint.hcl with their reason.
 */
export function judgePint(prometheusUrl: string, settings: Settings): Report {
  const dir = scratchDir("pint-online");
  try {
    writeStackRules(settings, dir);
    const report = pintLint(dir, { prometheusUrl, lookbackRange: "15m" });
    const byCheck = new Map<string, number>();
    for (const problem of report.problems)
      byCheck.set(problem.reporter, (byCheck.get(problem.reporter) ?? 0) + 1);
    const failures = describeProblems(report.problems);
    if (!report.output.includes("online=true")) failures.push("pint did not run online");
    if (report.status !== 0 && failures.length === 0)
      failures.push(`pint exited ${report.status}:\n${report.output}`);
    return {
      title: "pint online against the stack's Prometheus",
      figures: { problems: report.problems.length },
      lines: [...byCheck].map(([check, count]) => `${check}: ${count}`),
      failures,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
