/** Compares two typed models of a stack (base ref and working tree): pure functions. */
import type {
  AlertmanagerModel,
  AlertModel,
  BudgetDimension,
  ComponentModel,
  DashboardModel,
  PanelModel,
  RecordingModel,
  RenderedModel,
  Section,
  SettingsModel,
  StackModel,
} from "./model";
import type { PreviewReport } from "./preview";

/** One value that differs; null on one side when the thing is new or gone. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export interface ItemChange {
  kind: "added" | "removed" | "changed";
  key: string;
  /** What changed; for an added or removed item, what it is (null on the side it is not). */
  fields: FieldChange[];
  /** Consequences a reviewer should weigh (a stateful component restarting, ...). */
  notes: Warning[];
}

export type SectionName =
  | "settings"
  | "alerts"
  | "recordingRules"
  | "alertmanager"
  | "dashboards"
  | "components";

export interface SectionDiff {
  name: SectionName;
  title: string;
  /** "render failed at base: ..." and the like: that side of the section is unknown. */
  errors: string[];
  changes: ItemChange[];
}

export interface BudgetChange {
  before: SettingsModel["budget"] | null;
  after: SettingsModel["budget"] | null;
}

export type StackStatus = "unchanged" | "changed" | "added" | "removed" | "failed";

export interface StackDiff {
  stack: string;
  status: StackStatus;
  /** Render failures of the whole stack, per side. */
  errors: string[];
  /** For a stack that only one side has: what it holds, in one line. */
  summary?: string;
  sections: SectionDiff[];
  budget: BudgetChange;
  warnings: Warning[];
  preview?: PreviewReport;
}

/** Something a reviewer must not miss: a short form for the summary table, and the whole of it. */
export interface Warning {
  summary: string;
  detail: string;
}

export interface DiffReport {
  base: { ref: string; commit: string };
  head: string;
  stacks: StackDiff[];
}

/** Above this share of its budget's maximum, a stack gets a warning. */
export const BUDGET_WARNING_PERCENT = 90;

const SECTION_TITLES: Record<SectionName, string> = {
  settings: "Stack settings",
  alerts: "Alert rules",
  recordingRules: "Recording rules",
  alertmanager: "Alertmanager routes and receivers",
  dashboards: "Dashboards",
  components: "Components",
};

/* ---------------------------------------------------------------- generic keyed diff */

type FieldValue = string | number | null | string[];

function show(value: FieldValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length === 0 ? "(none)" : value.join("; ");
  return String(value);
}

/** Lists compare as sets: the items only before, the items only after. */
function fieldChanges(
  before: Record<string, FieldValue>,
  after: Record<string, FieldValue>,
): FieldChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changes: FieldChange[] = [];
  for (const field of names) {
    const a = before[field] ?? (Array.isArray(after[field]) ? [] : null);
    const b = after[field] ?? (Array.isArray(before[field]) ? [] : null);
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.join("\n") === b.join("\n")) continue;
      const gone = a.filter((item) => !b.includes(item));
      const added = b.filter((item) => !a.includes(item));
      if (gone.length === 0 && added.length === 0) {
        changes.push({ field, before: "(order)", after: "(new order)" });
      } else {
        changes.push({
          field,
          before: gone.length > 0 ? gone.join("; ") : null,
          after: added.length > 0 ? added.join("; ") : null,
        });
      }
      continue;
    }
    if (show(a) !== show(b)) changes.push({ field, before: show(a), after: show(b) });
  }
  return changes;
}

interface KeyedSpec<T> {
  key: (item: T) => string;
  fields: (item: T) => Record<string, FieldValue>;
  /** What an added or removed item shows; its fields unless given. */
  summary?: (item: T) => Record<string, FieldValue>;
  /** Field changes the generic comparison cannot express (nested items). */
  extra?: (before: T, after: T) => FieldChange[];
}

function keyedDiff<T>(before: T[], after: T[], spec: KeyedSpec<T>): ItemChange[] {
  const old = new Map(before.map((item) => [spec.key(item), item]));
  const now = new Map(after.map((item) => [spec.key(item), item]));
  const summary = (item: T) => (spec.summary ?? spec.fields)(item);
  const changes: ItemChange[] = [];
  for (const [key, item] of old) {
    if (!now.has(key)) {
      const fields = fieldChanges(summary(item), {});
      changes.push({ kind: "removed", key, fields, notes: [] });
    }
  }
  for (const [key, item] of now) {
    const previous = old.get(key);
    if (previous === undefined) {
      const fields = fieldChanges({}, summary(item));
      changes.push({ kind: "added", key, fields, notes: [] });
      continue;
    }
    const fields = [
      ...fieldChanges(spec.fields(previous), spec.fields(item)),
      ...(spec.extra?.(previous, item) ?? []),
    ];
    if (fields.length > 0) changes.push({ kind: "changed", key, fields, notes: [] });
  }
  return changes;
}

/* ---------------------------------------------------------------- sections */

function settingsFields(model: SettingsModel): Record<string, FieldValue> {
  return {
    environment: model.environment,
    target: model.target,
    sampling: model.sampling,
    "retention.metrics": model.retention.metrics,
    "retention.logs": model.retention.logs,
    "retention.traces": model.retention.traces,
    "rule packs": model.rulePacks,
  };
}

function diffSettings(before: SettingsModel, after: SettingsModel): ItemChange[] {
  return fieldChanges(settingsFields(before), settingsFields(after)).map((field) => ({
    kind: "changed",
    key: field.field,
    fields: [field],
    notes: [],
  }));
}

/** Routing compares only when both sides know it (Alertmanager's config rendered at both). */
function alertSpec(routing: boolean): KeyedSpec<AlertModel> {
  return {
    key: (alert) => alert.alert,
    fields: (alert) => ({
      expr: alert.expr,
      threshold: alert.threshold,
      for: alert.for ?? "(fires at once)",
      severity: alert.severity,
      ...(routing && { "routes to": alert.receiver }),
      pack: `${alert.pack}/${alert.group}`,
    }),
  };
}

const RECORDING: KeyedSpec<RecordingModel> = {
  key: (rule) => rule.key,
  fields: (rule) => ({ expr: rule.expr, pack: `${rule.pack}/${rule.group}` }),
};

function panelFields(panel: PanelModel): Record<string, FieldValue> {
  return { type: panel.type, queries: panel.queries, thresholds: panel.thresholds };
}

const DASHBOARDS: KeyedSpec<DashboardModel> = {
  key: (dashboard) => dashboard.uid,
  fields: (dashboard) => ({ title: dashboard.title, folder: dashboard.folder }),
  summary: (dashboard) => ({
    title: dashboard.title,
    folder: dashboard.folder,
    panels: dashboard.panels.length,
  }),
  extra: (before, after) =>
    keyedDiff(before.panels, after.panels, {
      key: (panel) => panel.key,
      fields: panelFields,
    }).flatMap((change): FieldChange[] => {
      const name = `panel "${change.key}"`;
      const panel = (change.kind === "added" ? after : before).panels.find(
        (item) => item.key === change.key,
      )!;
      const text = [panel.type, ...panel.queries].join("; ");
      if (change.kind === "added") return [{ field: name, before: null, after: text }];
      if (change.kind === "removed") return [{ field: name, before: text, after: null }];
      return change.fields.map((field) => ({ ...field, field: `${name} ${field.field}` }));
    }),
};

function componentFields(component: ComponentModel): Record<string, FieldValue> {
  return {
    image: component.image,
    workload: component.workload,
    replicas: component.replicas,
    requests: component.requests,
    limits: component.limits,
    ports: Object.entries(component.ports).map(([name, port]) => `${name} ${port}`),
    storage: component.storage,
    args: component.args,
    env: Object.entries(component.env).map(([name, value]) => `${name}=${value}`),
    "secret env": component.secretEnv,
  };
}

/** A rendered config file whose text differs, by digest (its contents are compared elsewhere). */
function configFileChanges(before: ComponentModel, after: ComponentModel): FieldChange[] {
  const files = [
    ...new Set([...Object.keys(before.configFiles), ...Object.keys(after.configFiles)]),
  ];
  const content = (digest: string | undefined) => (digest ? `content ${digest}` : null);
  return files
    .filter((file) => before.configFiles[file] !== after.configFiles[file])
    .map((file) => ({
      field: `config ${file}`,
      before: content(before.configFiles[file]),
      after: content(after.configFiles[file]),
    }));
}

/** What Docker cannot change in a running container: the provider replaces it. */
const DOCKER_RECREATES = new Set(["image", "args", "env", "secret env", "ports", "config files"]);

/** A component that keeps data: what the change does to it, from the model alone. */
function statefulNotes(id: string, change: ItemChange, target: string): Warning[] {
  const fields = change.fields.map((field) => field.field);
  const notes: Warning[] = [];
  if (target === "docker") {
    const causes = [
      ...new Set(fields.map((field) => (field.startsWith("config ") ? "config files" : field))),
    ].filter((field) => DOCKER_RECREATES.has(field));
    if (causes.length > 0) {
      notes.push({
        summary: `${id} container recreated`,
        detail:
          `stateful component: Docker recreates the ${id} container (${causes.join(", ")} changed); ` +
          "its data stays on its volume, but it is down while it restarts",
      });
    }
  } else {
    if (fields.includes("storage")) {
      notes.push({
        summary: `${id} StatefulSet replaced`,
        detail:
          `stateful component: a StatefulSet's volume claim cannot change in place; the ${id} ` +
          "StatefulSet is replaced and its PVC must be resized by hand: data may be lost",
      });
    }
    if (fields.includes("workload")) {
      notes.push({
        summary: `${id} replaced`,
        detail: `stateful component: ${id} changes workload kind: replaced, data may be lost`,
      });
    }
  }
  return notes;
}

function diffComponents(
  before: Record<string, ComponentModel>,
  after: Record<string, ComponentModel>,
  target: string,
): ItemChange[] {
  const list = (record: Record<string, ComponentModel>) =>
    Object.entries(record).map(([id, component]) => ({ id, component }));
  const changes = keyedDiff(list(before), list(after), {
    key: (entry) => entry.id,
    fields: (entry) => componentFields(entry.component),
    summary: (entry) => ({
      image: entry.component.image,
      workload: entry.component.workload,
      replicas: entry.component.replicas,
      limits: entry.component.limits,
    }),
    extra: (a, b) => configFileChanges(a.component, b.component),
  });
  for (const change of changes) {
    if (change.kind === "changed" && (before[change.key].storage || after[change.key].storage)) {
      change.notes.push(...statefulNotes(change.key, change, target));
    }
  }
  return changes;
}

function diffAlertmanager(before: AlertmanagerModel, after: AlertmanagerModel): ItemChange[] {
  const credential = (receiver: { integrations: string[]; secrets: string[] }) =>
    receiver.integrations.length === 0
      ? "not configured (drops what it gets)"
      : `${receiver.integrations.join(", ")}, ` +
        (receiver.secrets.length > 0
          ? `secret ${receiver.secrets.join(", ")} configured`
          : "no secret");
  const prefix = (prefix: string, changes: ItemChange[]) =>
    changes.map((change) => ({ ...change, key: `${prefix} ${change.key}` }));
  return [
    ...prefix(
      "route",
      keyedDiff(before.routes, after.routes, {
        key: (route) => route.path,
        fields: (route) => ({
          receiver: route.receiver,
          "group by": route.groupBy,
          timing: route.timing,
        }),
      }),
    ),
    ...prefix(
      "receiver",
      keyedDiff(before.receivers, after.receivers, {
        key: (receiver) => receiver.name,
        fields: (receiver) => ({ credential: credential(receiver) }),
      }),
    ),
    ...prefix(
      "inhibition",
      keyedDiff(before.inhibitions, after.inhibitions, {
        key: (rule) => rule,
        fields: () => ({}),
      }),
    ),
  ];
}

function sectionDiff<T>(
  name: SectionName,
  before: Section<T>,
  after: Section<T>,
  compare: (before: T, after: T) => ItemChange[],
): SectionDiff {
  const errors = [
    ...(before.ok ? [] : [`render failed at base: ${before.error}`]),
    ...(after.ok ? [] : [`render failed at head: ${after.error}`]),
  ];
  return {
    name,
    title: SECTION_TITLES[name],
    errors,
    changes: before.ok && after.ok ? compare(before.value, after.value) : [],
  };
}

/* ---------------------------------------------------------------- a stack */

function percentText(dimension: BudgetDimension): string {
  return dimension.percentOfMax === null
    ? dimension.used
    : `${dimension.used} (${dimension.percentOfMax} % of ${dimension.max})`;
}

function budgetWarnings(budget: SettingsModel["budget"] | null): Warning[] {
  if (!budget) return [];
  return (["memory", "cpu"] as const)
    .filter((part) => (budget[part].percentOfMax ?? 0) > BUDGET_WARNING_PERCENT)
    .map((part) => {
      const name = part === "cpu" ? "CPU" : "memory";
      return {
        summary: `${name} ${budget[part].percentOfMax} % of budget`,
        detail:
          `${name} limits at ${percentText(budget[part])}: ` +
          `above ${BUDGET_WARNING_PERCENT} % of the environment's budget`,
      };
    });
}

function describeRendered(model: RenderedModel): string {
  const count = <T>(section: Section<T[]>, what: string) =>
    section.ok ? `${section.value.length} ${what}` : undefined;
  return [
    model.settings.ok
      ? `${model.settings.value.environment} on ${model.settings.value.target}`
      : "",
    count(model.alerts, "alert rules"),
    count(model.recordingRules, "recording rules"),
    count(model.dashboards, "dashboards"),
    model.components.ok ? `${Object.keys(model.components.value).length} components` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
}

export function diffStack(before: StackModel, after: StackModel): StackDiff {
  const stack = after.stack;
  const budget: BudgetChange = {
    before: before.state === "rendered" && before.settings.ok ? before.settings.value.budget : null,
    after: after.state === "rendered" && after.settings.ok ? after.settings.value.budget : null,
  };
  const base = {
    stack,
    sections: [],
    budget,
    errors: [],
    warnings: budgetWarnings(budget.after),
  };
  if (before.state === "failed" || after.state === "failed") {
    const errors = [
      ...(before.state === "failed" ? [`render failed at base: ${before.error}`] : []),
      ...(after.state === "failed" ? [`render failed at head: ${after.error}`] : []),
    ];
    return {
      ...base,
      status: "failed",
      errors,
      warnings: [
        ...base.warnings,
        ...(after.state === "failed"
          ? [{ summary: "render fails at head", detail: "the stack does not render at head" }]
          : []),
      ],
    };
  }
  if (before.state === "absent" && after.state === "absent")
    return { ...base, status: "unchanged" };
  if (before.state === "absent" && after.state === "rendered") {
    return { ...base, status: "added", summary: describeRendered(after) };
  }
  if (before.state === "rendered" && after.state === "absent") {
    return { ...base, status: "removed", summary: describeRendered(before) };
  }
  if (before.state !== "rendered" || after.state !== "rendered") throw new Error("unreachable");
  const target = after.settings.ok ? after.settings.value.target : "";
  const sections = [
    sectionDiff("settings", before.settings, after.settings, diffSettings),
    sectionDiff("alerts", before.alerts, after.alerts, (a, b) =>
      keyedDiff(a, b, alertSpec(before.alertmanager.ok && after.alertmanager.ok)),
    ),
    sectionDiff("recordingRules", before.recordingRules, after.recordingRules, (a, b) =>
      keyedDiff(a, b, RECORDING),
    ),
    sectionDiff("alertmanager", before.alertmanager, after.alertmanager, diffAlertmanager),
    sectionDiff("dashboards", before.dashboards, after.dashboards, (a, b) =>
      keyedDiff(a, b, DASHBOARDS),
    ),
    sectionDiff("components", before.components, after.components, (a, b) =>
      diffComponents(a, b, target),
    ),
  ].filter((section) => section.errors.length > 0 || section.changes.length > 0);
  const notes = sections.flatMap((section) => section.changes.flatMap((change) => change.notes));
  const headFailures = sections.flatMap((section) =>
    section.errors
      .filter((error) => error.startsWith("render failed at head"))
      .map((detail) => ({ summary: `${section.title.toLowerCase()}: render fails`, detail })),
  );
  const budgetChanged = JSON.stringify(budget.before) !== JSON.stringify(budget.after);
  const changed = sections.length > 0 || budgetChanged;
  return {
    ...base,
    status: changed ? "changed" : "unchanged",
    sections,
    // A stack the change leaves alone keeps its budget: no warning on every pull request.
    warnings: changed ? [...base.warnings, ...headFailures, ...notes] : [],
  };
}

/** Counts per section, for the summary table: "2 alert rules, 1 component". */
export function changeCounts(diff: StackDiff): string {
  if (diff.status === "added") return "new stack";
  if (diff.status === "removed") return "stack removed";
  if (diff.status === "failed") {
    return diff.errors.map((error) => error.split(":")[0]).join("; ");
  }
  const labels: Record<SectionName, [string, string]> = {
    settings: ["setting", "settings"],
    alerts: ["alert rule", "alert rules"],
    recordingRules: ["recording rule", "recording rules"],
    alertmanager: ["routing change", "routing changes"],
    dashboards: ["dashboard", "dashboards"],
    components: ["component", "components"],
  };
  const parts = diff.sections.map((section) => {
    const [one, many] = labels[section.name];
    const failed = section.errors.length > 0 ? " (render failed)" : "";
    const n = section.changes.length;
    return n === 0 ? `${many}${failed}` : `${n} ${n === 1 ? one : many}${failed}`;
  });
  if (parts.length === 0) {
    return diff.status === "changed" ? "budget only" : "no changes";
  }
  return parts.join(", ");
}

export function budgetText(budget: BudgetChange): string {
  const part = (name: "memory" | "cpu") => {
    const before = budget.before?.[name];
    const after = budget.after?.[name];
    const short = (dimension: BudgetDimension | undefined) =>
      dimension === undefined
        ? "—"
        : dimension.percentOfMax === null
          ? dimension.used
          : `${dimension.percentOfMax} %`;
    const label = name === "cpu" ? "CPU" : "mem";
    return short(before) === short(after)
      ? `${label} ${short(after)}`
      : `${label} ${short(before)} → ${short(after)}`;
  };
  return `${part("memory")}, ${part("cpu")}`;
}

export { percentText };
