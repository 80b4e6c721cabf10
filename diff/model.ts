/**
 * The typed model of one rendered stack that `npm run diff` compares: plain JSON, so the
 * extraction can run in another process on another checkout (the base ref) and hand it over.
 */

/** A part of the model, or why it could not be rendered (a missing module, a throw). */
export type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export interface AlertModel {
  alert: string;
  pack: string;
  group: string;
  /** The rendered expression, with the threshold in force. */
  expr: string;
  /** The threshold in force: the stack's override, else the rule's default. */
  threshold: number | null;
  for: string | null;
  severity: string;
  /** The Alertmanager receiver the alert's labels route to; null when routing is unknown. */
  receiver: string | null;
}

export interface RecordingModel {
  /** The record name, with its labels when it has any (a record may appear more than once). */
  key: string;
  pack: string;
  group: string;
  expr: string;
}

export interface RouteModel {
  /** Where the route sits: its matchers, nested under its parents' (`root` for the top). */
  path: string;
  receiver: string;
  groupBy: string | null;
  timing: string | null;
}

export interface ReceiverModel {
  name: string;
  /** Alertmanager integrations (`slack`, `pagerduty`, `webhook`); none means it drops alerts. */
  integrations: string[];
  /** Config keys of the credentials it reads (SecretRef keys, never values). */
  secrets: string[];
}

export interface AlertmanagerModel {
  routes: RouteModel[];
  receivers: ReceiverModel[];
  inhibitions: string[];
}

export interface PanelModel {
  /** The panel's title, under its row when collapsed; numbered when a title repeats. */
  key: string;
  type: string;
  queries: string[];
  /** Threshold steps above the base colour, e.g. `0.02 red`. */
  thresholds: string[];
}

export interface DashboardModel {
  uid: string;
  title: string;
  folder: string;
  panels: PanelModel[];
}

export interface ComponentModel {
  image: string;
  workload: string;
  replicas: number;
  requests: string;
  limits: string;
  /** Port name to `container` or `container→published`. */
  ports: Record<string, string>;
  /** Size of the data volume; null for components that keep no data. */
  storage: string | null;
  args: string[];
  env: Record<string, string>;
  /** Config keys of the credentials passed as environment variables. */
  secretEnv: string[];
  /** Rendered config files (not rules, not dashboards: those are compared as models) by digest. */
  configFiles: Record<string, string>;
}

export interface BudgetDimension {
  used: string;
  max: string | null;
  percentOfMax: number | null;
}

export interface SettingsModel {
  environment: string;
  target: string;
  sampling: string;
  retention: { metrics: string; logs: string; traces: string };
  rulePacks: string[];
  budget: { memory: BudgetDimension; cpu: BudgetDimension };
}

export interface RenderedModel {
  settings: Section<SettingsModel>;
  alerts: Section<AlertModel[]>;
  recordingRules: Section<RecordingModel[]>;
  alertmanager: Section<AlertmanagerModel>;
  dashboards: Section<DashboardModel[]>;
  components: Section<Record<string, ComponentModel>>;
}

/** One stack at one ref: absent (no stack file), failed (its config does not load), or rendered. */
export type StackModel =
  | { stack: string; state: "absent" }
  | { stack: string; state: "failed"; error: string }
  | ({ stack: string; state: "rendered" } & RenderedModel);

/** What the extraction entry prints. */
export interface ExtractOutput {
  stacks: StackModel[];
}
