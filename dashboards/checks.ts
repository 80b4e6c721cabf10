/**
 * Static checks of provisioned dashboards. No Grafana server runs on our build machines
 * (docs/dashboards.md), so these stand in for "load it and look": each returns problems as
 * sentences naming the dashboard and panel, and an empty list when all is well.
 */
import {
  DashboardBuilder,
  Panel,
  RowPanel,
  VariableModel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import versions from "../versions.json";
import { Settings } from "../config/settings";
import { exposedSeriesName } from "../metrics/naming";
import { CATALOG_SERIES } from "../metrics/catalogs";
import { RULE_PACKS } from "../rules/packs";
import { metricNames, promqlSyntaxError } from "../rules/promql";
import { isAlert } from "../rules/types";
import { GRID_COLUMNS, provisionedDatasourceUids } from "./layout";
import { logqlProblems } from "./logql";
import { DashboardFile } from "./types";

// --- Schema versions --------------------------------------------------------------------

/** The dashboard schema version the foundation SDK writes. */
export const SDK_SCHEMA_VERSION = new DashboardBuilder("probe").build().schemaVersion;

/**
 * The schema versions Grafana 12 reads: it migrates anything from 13 up to 42 and 42 is
 * its latest (grafana/grafana apps/dashboard/pkg/migration/schemaversion: MIN_VERSION,
 * LATEST_VERSION; 42 is the last version of the v1 dashboard API).
 */
export const GRAFANA_SCHEMA_VERSIONS: Record<number, { min: number; latest: number }> = {
  12: { min: 13, latest: 42 },
};

// --- Walking a dashboard ----------------------------------------------------------------

interface DashboardJson {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: (Panel | RowPanel)[];
  templating?: { list?: VariableModel[] };
  annotations?: { list?: { datasource?: { uid?: string } }[] };
}

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}

function json(file: DashboardFile): DashboardJson {
  return file.json as DashboardJson;
}

/** Every panel, rows and the panels inside them included. */
function allPanels(file: DashboardFile): (Panel | RowPanel)[] {
  return (json(file).panels ?? []).flatMap((panel) =>
    panel.type === "row" ? [panel, ...((panel as RowPanel).panels ?? [])] : [panel],
  );
}

function targets(panel: Panel | RowPanel): Target[] {
  return panel.type === "row" ? [] : (((panel as Panel).targets ?? []) as Target[]);
}

function where(file: DashboardFile, panel?: Panel | RowPanel): string {
  const dashboard = `dashboard ${file.uid}`;
  return panel ? `${dashboard}: panel ${panel.id ?? "?"} "${panel.title ?? ""}"` : dashboard;
}

// --- Datasources ------------------------------------------------------------------------

/** Grafana's own datasource, which built-in annotations use. */
const BUILT_IN_UIDS = new Set(["-- Grafana --", "grafana"]);

/** Every datasource uid a panel, target, variable or annotation names is provisioned. */
export function datasourceProblems(file: DashboardFile, settings: Settings): string[] {
  const known = provisionedDatasourceUids(settings);
  const problems: string[] = [];
  const check = (uid: string | undefined, at: string) => {
    if (uid !== undefined && !known.has(uid) && !BUILT_IN_UIDS.has(uid)) {
      problems.push(
        `${at}: datasource uid "${uid}" is not provisioned for this stack (provisioned: ${[...known].join(", ") || "none"})`,
      );
    }
  };
  for (const panel of allPanels(file)) {
    check(panel.datasource?.uid, where(file, panel));
    for (const target of targets(panel)) {
      check(target.datasource?.uid, `${where(file, panel)} target ${target.refId ?? "?"}`);
    }
  }
  for (const variable of json(file).templating?.list ?? []) {
    check(variable.datasource?.uid, `${where(file)}: variable ${variable.name}`);
  }
  for (const annotation of json(file).annotations?.list ?? []) {
    check(annotation.datasource?.uid, `${where(file)}: annotation`);
  }
  return problems;
}

// --- PromQL -----------------------------------------------------------------------------

const DURATION_VARIABLES = new Set(["__rate_interval", "__interval", "__range", "__auto"]);
const VARIABLE =
  /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g;

/**
 * The query with Grafana's variables replaced by stand-ins PromQL accepts where they stand:
 * a duration inside a range `[...]` or for `$__interval`-like variables (`100m`), text
 * inside a string (`xxx`), and a number elsewhere (`topk($n, ...)`). Each stand-in is as
 * long as its variable, so a position in the stand-in text is one in the query
 * (dashboards/naming.ts edits the query where lezer-promql found a metric name).
 */
export function withStandIns(expr: string): string {
  let out = "";
  let last = 0;
  for (const match of expr.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2] ?? match[3];
    const before = expr.slice(0, match.index);
    const inString = (before.match(/(?<!\\)"/g) ?? []).length % 2 === 1;
    const inRange = before.lastIndexOf("[") > before.lastIndexOf("]");
    const length = match[0].length;
    let standIn: string;
    if (inString) standIn = "x".repeat(length);
    else if (inRange || DURATION_VARIABLES.has(name)) standIn = "1".padEnd(length - 1, "0") + "m";
    else standIn = "1".padEnd(length, "0");
    out += expr.slice(last, match.index) + standIn;
    last = (match.index ?? 0) + match[0].length;
  }
  return out + expr.slice(last);
}

/** Series written by recording rules of the packs enabled in these settings. */
export function recordedSeries(settings: Settings): Set<string> {
  const names = new Set<string>();
  for (const pack of RULE_PACKS.filter((candidate) =>
    settings.rules.packs.includes(candidate.name),
  )) {
    for (const group of pack.groups) {
      for (const rule of group.rules) if (!isAlert(rule)) names.add(rule.record);
    }
  }
  return names;
}

/** Problems of one PromQL expression: a syntax error, or a metric no catalog or rule defines. */
export function promqlProblems(expr: string, known: ReadonlySet<string>): string[] {
  const query = withStandIns(expr);
  const error = promqlSyntaxError(query);
  if (error)
    return [
      `PromQL does not parse at character ${error.position} ("${error.excerpt}") in: ${expr}`,
    ];
  return metricNames(query)
    .filter((name) => !known.has(name))
    .map(
      (name) =>
        `unknown metric "${name}": not in metrics/ catalogs nor recorded by an enabled rule pack`,
    );
}

/**
 * Where the PromQL inside a Prometheus variable query is (`label_values(<expr>, label)`,
 * `query_result(<expr>)`), if it has any.
 */
export function variablePromqlSpan(query: string): { from: number; to: number } | undefined {
  const match =
    /^(\s*label_values\()(.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(query) ??
    /^(\s*query_result\()(.*)\)\s*$/s.exec(query);
  return match ? { from: match[1].length, to: match[1].length + match[2].length } : undefined;
}

function variablePromql(query: string): string | undefined {
  const span = variablePromqlSpan(query);
  return span && query.slice(span.from, span.to);
}

function variableQuery(variable: VariableModel): string | undefined {
  const query = variable.query;
  if (typeof query === "string") return query;
  if (query && typeof query.query === "string") return query.query;
  return undefined;
}

/**
 * Every Prometheus query (panels and variables) parses and names only known metrics: the
 * catalogs' series, application metrics under the stack's prefix, and recorded series.
 */
export function dashboardPromqlProblems(file: DashboardFile, settings: Settings): string[] {
  const prefix = settings.applicationMetrics.prefix;
  const known = new Set([
    ...[...CATALOG_SERIES].map((name) => exposedSeriesName(name, prefix)),
    ...recordedSeries(settings),
  ]);
  const problems: string[] = [];
  for (const panel of allPanels(file)) {
    for (const target of targets(panel)) {
      const type = target.datasource?.type ?? panel.datasource?.type;
      if (type !== "prometheus" || target.expr === undefined) continue;
      for (const problem of promqlProblems(target.expr, known)) {
        problems.push(`${where(file, panel)} target ${target.refId ?? "?"}: ${problem}`);
      }
    }
  }
  for (const variable of json(file).templating?.list ?? []) {
    if (variable.type !== "query" || variable.datasource?.type !== "prometheus") continue;
    const query = variableQuery(variable);
    const expr = query === undefined ? undefined : variablePromql(query);
    if (expr === undefined) continue;
    for (const problem of promqlProblems(expr, known)) {
      problems.push(`${where(file)}: variable ${variable.name}: ${problem}`);
    }
  }
  return problems;
}

// --- LogQL ------------------------------------------------------------------------------

/** Every Loki query is balanced and names only labels our logs have (dashboards/logql.ts). */
export function dashboardLogqlProblems(file: DashboardFile): string[] {
  const problems: string[] = [];
  for (const panel of allPanels(file)) {
    for (const target of targets(panel)) {
      const type = target.datasource?.type ?? panel.datasource?.type;
      if (type !== "loki" || target.expr === undefined) continue;
      for (const problem of logqlProblems(target.expr)) {
        problems.push(
          `${where(file, panel)} target ${target.refId ?? "?"}: LogQL ${problem} in: ${target.expr}`,
        );
      }
    }
  }
  return problems;
}

// --- The JSON model ---------------------------------------------------------------------

const UID = /^[A-Za-z0-9_-]{1,40}$/;
/** Panels that show no numbers, hence need no unit. */
const UNITLESS_TYPES = new Set(["row", "text", "logs", "traces", "news", "dashlist", "alertlist"]);

/**
 * The model is one the deployed Grafana reads: the SDK's schema version within what that
 * Grafana migrates, a valid uid and title, unique panel ids, a unit on every panel that
 * shows numbers, and a datasource on every panel with queries.
 */
export function modelProblems(file: DashboardFile): string[] {
  const model = json(file);
  const problems: string[] = [];
  const major = Number(versions.components.grafana.split(".")[0]);
  const supported = GRAFANA_SCHEMA_VERSIONS[major];
  if (!supported) {
    problems.push(
      `${where(file)}: no known schema versions for Grafana ${versions.components.grafana}; add them to GRAFANA_SCHEMA_VERSIONS`,
    );
  } else if (
    model.schemaVersion === undefined ||
    model.schemaVersion < supported.min ||
    model.schemaVersion > supported.latest
  ) {
    problems.push(
      `${where(file)}: schemaVersion ${model.schemaVersion} is outside what Grafana ${major} reads (${supported.min}–${supported.latest})`,
    );
  }
  if (model.schemaVersion !== SDK_SCHEMA_VERSION) {
    problems.push(
      `${where(file)}: schemaVersion ${model.schemaVersion} differs from the SDK's ${SDK_SCHEMA_VERSION}`,
    );
  }
  if (!UID.test(file.uid)) {
    problems.push(`${where(file)}: uid must be 1–40 letters, digits, "-" or "_"`);
  }
  if (model.uid !== file.uid) {
    problems.push(`${where(file)}: the JSON's uid "${model.uid}" differs from the file's`);
  }
  if (!model.title) problems.push(`${where(file)}: no title`);
  const ids = new Map<number, number>();
  for (const panel of allPanels(file)) {
    if (panel.id === undefined) problems.push(`${where(file, panel)}: no id`);
    else ids.set(panel.id, (ids.get(panel.id) ?? 0) + 1);
    if (UNITLESS_TYPES.has(panel.type)) continue;
    const unit = (panel as Panel).fieldConfig?.defaults?.unit;
    if (!unit) problems.push(`${where(file, panel)}: no unit (fieldConfig.defaults.unit)`);
    if (targets(panel).length > 0 && !panel.datasource?.uid) {
      problems.push(`${where(file, panel)}: queries but no datasource`);
    }
  }
  for (const [id, count] of ids) {
    if (count > 1) problems.push(`${where(file)}: panel id ${id} is used by ${count} panels`);
  }
  return problems;
}

/** Panels sit inside the 24 columns and none covers another. */
export function layoutProblems(file: DashboardFile): string[] {
  const problems: string[] = [];
  const placed = (json(file).panels ?? []).filter((panel) => {
    const grid = panel.gridPos;
    if (!grid) {
      problems.push(`${where(file, panel)}: no gridPos`);
      return false;
    }
    if (grid.x < 0 || grid.y < 0 || grid.w < 1 || grid.h < 1 || grid.x + grid.w > GRID_COLUMNS) {
      problems.push(
        `${where(file, panel)}: gridPos x=${grid.x} w=${grid.w} y=${grid.y} h=${grid.h} is outside the ${GRID_COLUMNS}-column grid`,
      );
    }
    return true;
  });
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const a = placed[i].gridPos!;
      const b = placed[j].gridPos!;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      if (overlap) {
        problems.push(
          `${where(file, placed[i])} overlaps panel ${placed[j].id ?? "?"} "${placed[j].title ?? ""}"`,
        );
      }
    }
  }
  return problems;
}

/** No two dashboards share a uid (Grafana would keep one of them). */
export function uidProblems(files: DashboardFile[]): string[] {
  const seen = new Map<string, number>();
  for (const file of files) seen.set(file.uid, (seen.get(file.uid) ?? 0) + 1);
  return [...seen]
    .filter(([, count]) => count > 1)
    .map(([uid, count]) => `dashboard uid "${uid}" is used by ${count} dashboards`);
}

/** Every check, over every dashboard of a stack. */
export function dashboardProblems(files: DashboardFile[], settings: Settings): string[] {
  return [
    ...uidProblems(files),
    ...files.flatMap((file) => [
      ...modelProblems(file),
      ...layoutProblems(file),
      ...datasourceProblems(file, settings),
      ...dashboardPromqlProblems(file, settings),
      ...dashboardLogqlProblems(file),
    ]),
  ];
}
