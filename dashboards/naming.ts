/**
 * Dashboards under the stack's application metric prefix (config key
 * `applicationMetrics.prefix`): every Prometheus query of a dashboard, panel targets,
 * annotations and variable queries, renamed by metrics/naming.ts as the rule files are.
 */
import { applyInsertions, prefixInsertions } from "../metrics/naming";
import { variablePromqlSpan, withStandIns } from "./checks";
import { DashboardFile } from "./types";

interface Datasource {
  type?: string;
}
interface Target {
  expr?: unknown;
  datasource?: Datasource;
}
interface PanelJson {
  type?: string;
  datasource?: Datasource;
  targets?: Target[];
  panels?: PanelJson[];
}
interface VariableJson {
  type?: string;
  datasource?: Datasource;
  query?: unknown;
  definition?: unknown;
}
interface DashboardJson {
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
  annotations?: { list?: (Target & { enable?: boolean })[] };
}

/**
 * A query as Grafana stores it, Grafana's variables (`$service`, `$__rate_interval`) left
 * in place: the names are found in a copy whose variables are stand-ins of the same length.
 */
export function prefixGrafanaPromql(expr: string, prefix: string): string {
  if (prefix === "") return expr;
  return applyInsertions(expr, prefixInsertions(withStandIns(expr), prefix));
}

/** A variable query with its PromQL part prefixed (`label_values(<expr>, label)`). */
function prefixVariableQuery(query: string, prefix: string): string {
  const span = variablePromqlSpan(query);
  if (!span) return query;
  const expr = query.slice(span.from, span.to);
  return query.slice(0, span.from) + prefixGrafanaPromql(expr, prefix) + query.slice(span.to);
}

const isPrometheus = (datasource: Datasource | undefined) => datasource?.type === "prometheus";

function prefixPanel(panel: PanelJson, prefix: string): void {
  for (const nested of panel.panels ?? []) prefixPanel(nested, prefix);
  for (const target of panel.targets ?? []) {
    const datasource = target.datasource ?? panel.datasource;
    if (isPrometheus(datasource) && typeof target.expr === "string") {
      target.expr = prefixGrafanaPromql(target.expr, prefix);
    }
  }
}

function prefixVariable(variable: VariableJson, prefix: string): void {
  if (variable.type !== "query" || !isPrometheus(variable.datasource)) return;
  if (typeof variable.query === "string") {
    variable.query = prefixVariableQuery(variable.query, prefix);
  } else if (variable.query && typeof variable.query === "object") {
    const query = variable.query as { query?: unknown };
    if (typeof query.query === "string") query.query = prefixVariableQuery(query.query, prefix);
  }
  if (typeof variable.definition === "string") {
    variable.definition = prefixVariableQuery(variable.definition, prefix);
  }
}

/**
 * The dashboard with every application metric its Prometheus queries select named as the
 * stack's services expose it. Without a prefix it is the dashboard itself, untouched.
 */
export function prefixDashboard(file: DashboardFile, prefix: string): DashboardFile {
  if (prefix === "") return file;
  const model = structuredClone(file.json) as DashboardJson;
  for (const panel of model.panels ?? []) prefixPanel(panel, prefix);
  for (const variable of model.templating?.list ?? []) prefixVariable(variable, prefix);
  for (const annotation of model.annotations?.list ?? []) {
    if (isPrometheus(annotation.datasource) && typeof annotation.expr === "string") {
      annotation.expr = prefixGrafanaPromql(annotation.expr, prefix);
    }
  }
  return { ...file, json: model };
}
