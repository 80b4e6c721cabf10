/**
 * Small factories every dashboard shares: datasource references, queries, panels with a
 * unit, and template variables. Panels are SDK builders, so a dashboard can still chain
 * any option the SDK offers; `layout.ts` places them on the grid.
 */
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  CustomVariableBuilder,
  QueryVariableBuilder,
  TextBoxVariableBuilder,
  Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  LogsSortOrder,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizLegendOptionsBuilder,
  VizOrientation,
} from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as BarGaugePanel } from "@grafana/grafana-foundation-sdk/bargauge";
import { PanelBuilder as GaugePanel } from "@grafana/grafana-foundation-sdk/gauge";
import { PanelBuilder as LogsPanel } from "@grafana/grafana-foundation-sdk/logs";
import { DataqueryBuilder as LokiQueryBuilder } from "@grafana/grafana-foundation-sdk/loki";
import {
  DataqueryBuilder as PrometheusQueryBuilder,
  PromQueryFormat,
} from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TextPanel, TextMode } from "@grafana/grafana-foundation-sdk/text";
import { PanelBuilder as TimeseriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { DATASOURCE_UIDS } from "../components/grafana/datasources";
import { Settings } from "../config/settings";
import { part, sel } from "../metrics/promql";
import { LabelsOf, MetricDefinition } from "../metrics/types";

// --- Datasources ------------------------------------------------------------------------

export type DatasourceKind = keyof typeof DATASOURCE_UIDS;

/** A datasource reference by the uid the stack provisions it with (never by name). */
export function datasource(kind: DatasourceKind) {
  return { type: kind, uid: DATASOURCE_UIDS[kind] };
}

// --- Units ------------------------------------------------------------------------------

/**
 * Grafana unit ids the dashboards use; a custom `suffix:` unit for counts of a thing.
 * Panels keep the base unit of the metric or rule they show (seconds, bytes, ratios 0–1),
 * so an alert's threshold can be drawn on them unchanged.
 */
export type Unit =
  | "s"
  | "ms"
  | "percentunit"
  | "reqps"
  | "ops"
  | "bytes"
  | "binBps"
  | "short"
  | "none"
  | "bool_yes_no"
  | "dateTimeFromNow"
  | `suffix:${string}`;

// --- Queries ----------------------------------------------------------------------------

/** A query with the datasource it runs on; panels take their datasource from it. */
export interface Query {
  kind: DatasourceKind;
  builder: cog.Builder<cog.Dataquery>;
}

export interface PromOptions {
  /** `{{ label }}` template for series names. */
  legend?: string;
  /** Evaluate once at the end of the range (stat, gauge and table panels). */
  instant?: boolean;
  format?: "time_series" | "table";
}

export function prom(expr: string, options: PromOptions = {}): Query {
  const builder = new PrometheusQueryBuilder().datasource(datasource("prometheus")).expr(expr);
  if (options.legend) builder.legendFormat(options.legend);
  if (options.instant) builder.instant();
  else builder.range();
  if (options.format === "table") builder.format(PromQueryFormat.Table);
  return { kind: "prometheus", builder };
}

export interface LokiOptions {
  legend?: string;
  maxLines?: number;
  instant?: boolean;
}

export function loki(expr: string, options: LokiOptions = {}): Query {
  const builder = new LokiQueryBuilder().datasource(datasource("loki")).expr(expr);
  if (options.legend) builder.legendFormat(options.legend);
  if (options.maxLines) builder.maxLines(options.maxLines);
  if (options.instant) builder.instant(true).range(false);
  return { kind: "loki", builder };
}

// --- Thresholds -------------------------------------------------------------------------

/** Steps for a panel with no alert behind it: one neutral color. */
const NO_THRESHOLDS: Threshold[] = [{ value: null, color: "green" }];

function thresholdsConfig(steps: Threshold[]) {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

// --- Panels -----------------------------------------------------------------------------

export interface PanelOptions {
  description?: string;
  /** Grid columns (1–24). Default 12. */
  width?: number;
  /** Grid rows. Default 8. */
  height?: number;
  /** Threshold steps, usually from `alertThresholds` so they follow the alert rules. */
  thresholds?: Threshold[];
  min?: number;
  max?: number;
}

type AnyPanelBuilder =
  | TimeseriesPanel
  | StatPanel
  | GaugePanel
  | BarGaugePanel
  | TablePanel
  | LogsPanel;

function common<B extends AnyPanelBuilder>(
  builder: B,
  title: string,
  queries: Query[],
  options: PanelOptions,
): B {
  if (queries.length === 0) throw new Error(`panel "${title}" has no query`);
  const kinds = new Set(queries.map((query) => query.kind));
  if (kinds.size > 1)
    throw new Error(`panel "${title}" mixes datasources ${[...kinds].join(", ")}`);
  builder
    .title(title)
    .datasource(datasource(queries[0].kind))
    .span(options.width ?? 12)
    .height(options.height ?? 8);
  for (const query of queries) builder.withTarget(query.builder);
  if (options.description) builder.description(options.description);
  if (options.min !== undefined) builder.min(options.min);
  if (options.max !== undefined) builder.max(options.max);
  builder.thresholds(thresholdsConfig(options.thresholds ?? NO_THRESHOLDS));
  return builder;
}

export interface TimeseriesOptions extends PanelOptions {
  stacked?: boolean;
}

/** A time series with a legend; thresholds, when given, are drawn as lines. */
export function timeseries(
  title: string,
  unit: Unit,
  queries: Query[],
  options: TimeseriesOptions = {},
): TimeseriesPanel {
  const panel = common(new TimeseriesPanel(), title, queries, options)
    .unit(unit)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    );
  if (options.thresholds) {
    panel.thresholdsStyle(
      new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Line),
    );
  }
  if (options.stacked) {
    panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal)).fillOpacity(40);
  }
  return panel;
}

function lastValue() {
  return new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
}

/** One big number (per series), colored by the thresholds. */
export function stat(
  title: string,
  unit: Unit,
  queries: Query[],
  options: PanelOptions = {},
): StatPanel {
  return common(new StatPanel(), title, queries, { width: 6, height: 5, ...options })
    .unit(unit)
    .reduceOptions(lastValue())
    .graphMode(BigValueGraphMode.Area)
    .colorMode(options.thresholds ? BigValueColorMode.Background : BigValueColorMode.Value);
}

export function gauge(
  title: string,
  unit: Unit,
  queries: Query[],
  options: PanelOptions = {},
): GaugePanel {
  return common(new GaugePanel(), title, queries, { width: 6, height: 6, ...options })
    .unit(unit)
    .reduceOptions(lastValue());
}

/** Horizontal bars, one per series: rankings and per-team breakdowns. */
export function barGauge(
  title: string,
  unit: Unit,
  queries: Query[],
  options: PanelOptions = {},
): BarGaugePanel {
  return common(new BarGaugePanel(), title, queries, options)
    .unit(unit)
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(lastValue());
}

/** A table of instant results, one row per series. */
export function table(
  title: string,
  unit: Unit,
  queries: Query[],
  options: PanelOptions = {},
): TablePanel {
  return common(new TablePanel(), title, queries, options).unit(unit);
}

/** Log lines with their details (where the derived trace link shows). Logs have no unit. */
export function logs(title: string, queries: Query[], options: PanelOptions = {}): LogsPanel {
  return common(new LogsPanel(), title, queries, { width: 24, height: 14, ...options })
    .showTime(true)
    .enableLogDetails(true)
    .wrapLogMessage(true)
    .prettifyLogMessage(true)
    .sortOrder(LogsSortOrder.Descending);
}

/** Markdown, e.g. notes generated from the stack's config. Text has no unit and no query. */
export function text(
  title: string,
  markdown: string,
  options: { width?: number; height?: number } = {},
) {
  return new TextPanel()
    .title(title)
    .mode(TextMode.Markdown)
    .content(markdown)
    .span(options.width ?? 12)
    .height(options.height ?? 8);
}

// --- Template variables -----------------------------------------------------------------

/** `service=~"$service"`: the selector matcher for the service variable (All is `.*`). */
export const SERVICE = { re: "$service" } as const;
export const INSTANCE = { re: "$instance" } as const;

/**
 * The stack's environment. One stack is one environment (and one Prometheus), so this is
 * a single-value variable: it labels the dashboard, enters links and filters Loki streams
 * that carry `deployment_environment`. Prometheus series have no environment label (it is
 * an external label, added only to alerts and remote writes).
 */
export function environmentVariable(settings: Settings) {
  return new CustomVariableBuilder("environment")
    .label("Environment")
    .values(settings.environment)
    .current({ text: settings.environment, value: settings.environment, selected: true });
}

/** Services that expose `metric`, as a multi-select with All. */
export function serviceVariable<M extends MetricDefinition>(
  metric: M & ("service" extends LabelsOf<M> ? unknown : never),
) {
  const series = metric.type === "histogram" ? part(metric, "count") : sel(metric);
  const query = `label_values(${series}, service)`;
  return new QueryVariableBuilder("service")
    .label("Service")
    .datasource(datasource("prometheus"))
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all", selected: true });
}

/** Instances of one scrape job (a stack component with replicas, a node). */
export function instanceVariable(job: string, metric: MetricDefinition) {
  const query = `label_values(${sel(metric, { job })}, instance)`;
  return new QueryVariableBuilder("instance")
    .label("Instance")
    .datasource(datasource("prometheus"))
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all", selected: true });
}

/** Services that send logs, from Loki's `service_name` stream label. */
export function lokiServiceVariable() {
  const query = "label_values(service_name)";
  return new QueryVariableBuilder("service")
    .label("Service")
    .datasource(datasource("loki"))
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".+")
    .current({ text: "All", value: "$__all", selected: true });
}

/** A free-text variable, e.g. an ID to search for; empty by default. */
export function textboxVariable(name: string, label: string) {
  return new TextBoxVariableBuilder(name).label(label).defaultValue("");
}
