/**
 * From a dashboard's definition (rows of panel builders) to its provisioned JSON: drop what
 * the stack cannot serve, place panels on the 24-column grid, number them, and wrap the
 * result with the dashboard's metadata.
 */
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLink,
  DashboardLinkBuilder,
  DashboardLinkType,
  GridPos,
  Panel,
  RowPanel,
  VariableModel,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { renderDatasources } from "../components/grafana/config";
import { ComponentId } from "../components/definition";
import { isEnabled, Settings } from "../config/settings";
import { RULE_PACKS } from "../rules/packs";
import { metricNames } from "../rules/promql";
import { isAlert } from "../rules/types";
import { DashboardFile } from "./types";

export const GRID_COLUMNS = 24;
/** The tag every dashboard of the product carries; the navigation dropdown lists by it. */
export const PRODUCT_TAG = "observability-stack";
const DEFAULT_SIZE = { w: 12, h: 8 };

/** The Grafana folders dashboards are filed in, one per area. */
export type Folder = "Services" | "Business" | "Infrastructure" | "Stack";

/**
 * A band of panels, left to right, wrapping at 24 columns; a title adds a row header.
 * `undefined` entries (a panel that does not apply to the stack) are skipped.
 */
export interface Row {
  title?: string;
  /** Components the row's panels read from (an exporter); the row is left out without them. */
  requires?: ComponentId[];
  panels: (cog.Builder<Panel> | undefined)[];
}

export interface DashboardDefinition {
  uid: string;
  title: string;
  folder: Folder;
  tags: string[];
  description: string;
  /** Components that must be enabled for the dashboard to exist (its subject). */
  requires?: ComponentId[];
  variables: cog.Builder<VariableModel>[];
  rows: Row[];
  links?: DashboardLink[];
  /** Default: last 6 hours. */
  time?: { from: string; to: string };
}

/** Uids of the datasources the stack provisions for these settings. */
export function provisionedDatasourceUids(settings: Settings): Set<string> {
  return new Set(renderDatasources(settings).datasources.map((source) => source.uid));
}

/** Every series a recording rule of any pack writes, with the pack that writes it. */
function recordedSeries(): Map<string, string> {
  const series = new Map<string, string>();
  for (const pack of RULE_PACKS) {
    for (const group of pack.groups) {
      for (const rule of group.rules) if (!isAlert(rule)) series.set(rule.record, pack.name);
    }
  }
  return series;
}

interface Availability {
  datasources: Set<string>;
  packs: Set<string>;
  recorded: Map<string, string>;
}

function targetsOf(panel: Panel): Record<string, unknown>[] {
  return (panel.targets ?? []) as unknown as Record<string, unknown>[];
}

/**
 * Whether the stack can serve a panel: its datasource (and every target's) is provisioned,
 * and every recorded series it reads comes from an enabled pack.
 */
function servable(panel: Panel, available: Availability): boolean {
  const uids = [
    panel.datasource?.uid,
    ...targetsOf(panel).map((target) => (target.datasource as { uid?: string } | undefined)?.uid),
  ];
  if (uids.some((uid) => uid !== undefined && !available.datasources.has(uid))) return false;
  return targetsOf(panel).every((target) => {
    if (typeof target.expr !== "string" || panel.datasource?.type !== "prometheus") return true;
    return metricNames(target.expr).every((name) => {
      const pack = available.recorded.get(name);
      return pack === undefined || available.packs.has(pack);
    });
  });
}

function variableServable(variable: VariableModel, available: Availability): boolean {
  const uid = variable.datasource?.uid;
  return uid === undefined || available.datasources.has(uid);
}

const REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * Places rows top to bottom and their panels left to right, wrapping a line when the next
 * panel would pass column 24; a line is as tall as its tallest panel. Panel ids count from
 * 1 in reading order, and targets without a refId get A, B, C...
 */
export function layout(rows: { title?: string; panels: Panel[] }[]): (Panel | RowPanel)[] {
  const placed: (Panel | RowPanel)[] = [];
  let y = 0;
  let id = 1;
  for (const row of rows) {
    if (row.panels.length === 0) continue;
    if (row.title) {
      placed.push({
        type: "row",
        id: id++,
        title: row.title,
        collapsed: false,
        panels: [],
        gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 },
      });
      y += 1;
    }
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const w = Math.min(panel.gridPos?.w ?? DEFAULT_SIZE.w, GRID_COLUMNS);
      const h = panel.gridPos?.h ?? DEFAULT_SIZE.h;
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const gridPos: GridPos = { x, y, w, h };
      const targets = targetsOf(panel).map((target, index) => ({
        ...target,
        refId: (target.refId as string | undefined) ?? REF_IDS[index],
      }));
      placed.push({ ...panel, id: id++, gridPos, ...(panel.targets && { targets }) } as Panel);
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return placed;
}

/**
 * The dashboard as provisioned for `settings`, or undefined when the stack cannot show it:
 * a required component is disabled, or no panel is left once panels whose datasource (or
 * recording rule) is missing are dropped.
 */
export function buildDashboard(
  settings: Settings,
  definition: DashboardDefinition,
): DashboardFile | undefined {
  if ((definition.requires ?? []).some((id) => !isEnabled(settings, id))) return undefined;
  const available: Availability = {
    datasources: provisionedDatasourceUids(settings),
    packs: new Set(settings.rules.packs),
    recorded: recordedSeries(),
  };
  const rows = definition.rows
    .filter((row) => (row.requires ?? []).every((id) => isEnabled(settings, id)))
    .map((row) => ({
      title: row.title,
      panels: row.panels
        .filter((panel): panel is cog.Builder<Panel> => panel !== undefined)
        .map((panel) => panel.build())
        .filter((panel) => servable(panel, available)),
    }));
  if (rows.every((row) => row.panels.length === 0)) return undefined;

  const builder = new DashboardBuilder(definition.title)
    .uid(definition.uid)
    .description(definition.description)
    .tags([PRODUCT_TAG, ...definition.tags])
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time(definition.time ?? { from: "now-6h", to: "now" })
    .timezone("browser");
  const json = builder.build();
  json.templating = {
    list: definition.variables
      .map((variable) => variable.build())
      .filter((variable) => variableServable(variable, available)),
  };
  json.panels = layout(rows);
  // Every dashboard of the stack in a dropdown in the header: all carry the product tag.
  // (The SDK's default placement would hide the link in the controls menu.)
  const navigation = new DashboardLinkBuilder("Observability stack")
    .type(DashboardLinkType.Dashboards)
    .tags([PRODUCT_TAG])
    .asDropdown(true)
    .keepTime(true)
    .build();
  delete navigation.placement;
  json.links = [navigation, ...(definition.links ?? [])];
  // Plain JSON, as Grafana will read it: the SDK's query objects carry marker methods.
  return { uid: definition.uid, folder: definition.folder, json: JSON.parse(JSON.stringify(json)) };
}
