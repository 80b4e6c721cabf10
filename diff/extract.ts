/**
 * node -r ts-node/register/transpile-only diff/extract.ts <projectDir> <stack>...
 *
 * Prints the typed model of each stack (diff/model.ts) as JSON, rendered by the code of
 * <projectDir>: its modules are required by path, so this entry renders any checkout,
 * including a base ref that predates it. Nothing here imports the project's own modules;
 * each part of the model is read on its own, so a module the checkout lacks fails only
 * that part.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import type {
  AlertmanagerModel,
  AlertModel,
  ComponentModel,
  DashboardModel,
  ExtractOutput,
  PanelModel,
  RecordingModel,
  RouteModel,
  Section,
  SettingsModel,
  StackModel,
} from "./model";

/* The shapes this entry reads from the project's modules: loose on purpose, since they are
 * read from any version of the code. */
type Loose = Record<string, unknown>;
interface Settings extends Loose {
  stack: string;
  environment: string;
  target: string;
  components: Record<string, { enabled: boolean }>;
  rules: { packs: string[]; overrides: Record<string, { threshold?: number }> };
  /** Absent in versions before the key existed. */
  applicationMetrics?: { prefix: string };
}
interface RuleLike extends Loose {
  alert?: string;
  record?: string;
  threshold?: number;
  expr: unknown;
  labels?: Record<string, string>;
}
interface PackLike {
  name: string;
  groups: { name: string; rules: RuleLike[] }[];
}
interface SpecLike {
  id: string;
  image: string;
  workload: string;
  replicas: number;
  args?: string[];
  env?: Record<string, string>;
  secretEnv?: Record<string, { secret: string }>;
  ports: { name: string; containerPort: number; publishedPort?: number }[];
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  dataVolume?: { size: string };
  configFiles?: { renderPath: string; content: string }[];
}
interface RouteLike {
  receiver?: string;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: RouteLike[];
}

/** The first lines of an error: node's "Require stack" and stack traces are left out. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\nRequire stack:")[0].trim().slice(0, 4000);
}

function section<T>(read: () => T): Section<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

/** Requires the checkout's modules by path, relative to its root. */
function projectModules(dir: string) {
  const requireFrom = createRequire(path.join(path.resolve(dir), "index.ts"));
  return <T>(name: string): T => requireFrom(`./${name}`) as T;
}

type Load = ReturnType<typeof projectModules>;

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/* ---------------------------------------------------------------- settings and budget */

function readSettings(load: Load, settings: Settings): SettingsModel {
  const { budgetUse } = load<{ budgetUse: (env: string, components: unknown[]) => BudgetLike }>(
    "config/budget",
  );
  const { formatGibibytes, formatCpu } = load<{
    formatGibibytes: (bytes: number) => string;
    formatCpu: (millicores: number) => string;
  }>("config/quantity");
  const enabled = Object.values(settings.components).filter((component) => component.enabled);
  const budget = budgetUse(settings.environment, enabled);
  const sampling = settings.sampling as {
    ratio: number;
    tail: { enabled: boolean; latencyThreshold?: { text: string } };
  };
  const retention = settings.retention as Record<"metrics" | "logs" | "traces", { text: string }>;
  const dimension = (part: BudgetLike["memory"], format: (value: number) => string) => ({
    used: format(part.used),
    max: part.max === undefined ? null : format(part.max),
    percentOfMax: part.percentOfMax ?? null,
  });
  return {
    environment: settings.environment,
    target: settings.target,
    sampling:
      `ratio ${sampling.ratio}; tail sampling ` +
      (sampling.tail.enabled
        ? `on (every error, and traces slower than ${sampling.tail.latencyThreshold?.text ?? "?"})`
        : "off"),
    retention: {
      metrics: retention.metrics.text,
      logs: retention.logs.text,
      traces: retention.traces.text,
    },
    rulePacks: [...settings.rules.packs],
    budget: {
      memory: dimension(budget.memory, formatGibibytes),
      cpu: dimension(budget.cpu, formatCpu),
    },
  };
}

interface BudgetLike {
  memory: { used: number; max?: number; percentOfMax?: number };
  cpu: { used: number; max?: number; percentOfMax?: number };
}

/* ---------------------------------------------------------------- Alertmanager routing */

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/;

function matches(route: RouteLike, labels: Record<string, string>): boolean {
  const checks: [string, string, string][] = [
    ...(route.matchers ?? []).flatMap((text): [string, string, string][] => {
      const found = MATCHER.exec(text);
      return found ? [[found[1], found[2], found[3]]] : [];
    }),
    ...Object.entries(route.match ?? {}).map(([k, v]): [string, string, string] => [k, "=", v]),
    ...Object.entries(route.match_re ?? {}).map(([k, v]): [string, string, string] => [k, "=~", v]),
  ];
  return checks.every(([name, op, value]) => {
    const actual = labels[name] ?? "";
    if (op === "=") return actual === value;
    if (op === "!=") return actual !== value;
    const found = new RegExp(`^(?:${value})$`).test(actual);
    return op === "=~" ? found : !found;
  });
}

/** Alertmanager's routing: the deepest matching route, first match wins unless `continue`. */
export function routeReceivers(
  route: RouteLike,
  labels: Record<string, string>,
  inherited = "",
): string[] {
  const receiver = route.receiver ?? inherited;
  const found: string[] = [];
  for (const child of route.routes ?? []) {
    if (!matches(child, labels)) continue;
    found.push(...routeReceivers(child, labels, receiver));
    if (!child.continue) break;
  }
  return found.length > 0 ? found : [receiver];
}

function flattenRoutes(route: RouteLike, parent: string | undefined): RouteModel[] {
  const own = [
    ...(route.matchers ?? []),
    ...Object.entries(route.match ?? {}).map(([k, v]) => `${k}="${v}"`),
    ...Object.entries(route.match_re ?? {}).map(([k, v]) => `${k}=~"${v}"`),
  ].join(", ");
  const here =
    parent === undefined ? "root" : parent === "root" ? `{${own}}` : `${parent} > {${own}}`;
  const timing = [
    route.group_wait && `wait ${route.group_wait}`,
    route.group_interval && `interval ${route.group_interval}`,
    route.repeat_interval && `repeat ${route.repeat_interval}`,
    route.continue && "continue",
  ].filter(Boolean);
  return [
    {
      path: here,
      receiver: route.receiver ?? "(inherited)",
      groupBy: route.group_by ? route.group_by.join(", ") : null,
      timing: timing.length > 0 ? timing.join(", ") : null,
    },
    ...(route.routes ?? []).flatMap((child) => flattenRoutes(child, here)),
  ];
}

interface AlertmanagerConfig {
  route: RouteLike;
  receivers: ({ name: string } & Loose)[];
  inhibit_rules?: Loose[];
}

function readAlertmanager(load: Load, settings: Settings): AlertmanagerModel & { root: RouteLike } {
  const { renderAlertmanagerConfig } = load<{
    renderAlertmanagerConfig: (settings: Settings) => {
      config: AlertmanagerConfig;
      secretFiles?: { mountPath: string; secret: { secret: string } }[];
    };
  }>("rules/alertmanager");
  const { config, secretFiles = [] } = renderAlertmanagerConfig(settings);
  return {
    root: config.route,
    routes: flattenRoutes(config.route, undefined),
    receivers: config.receivers.map((receiver) => {
      const text = JSON.stringify(receiver);
      return {
        name: receiver.name,
        integrations: Object.keys(receiver)
          .filter((key) => key.endsWith("_configs"))
          .map((key) => key.replace(/_configs$/, ""))
          .sort(),
        secrets: secretFiles
          .filter((file) => text.includes(JSON.stringify(file.mountPath)))
          .map((file) => file.secret.secret)
          .sort(),
      };
    }),
    inhibitions: (config.inhibit_rules ?? []).map((rule) =>
      [
        `source {${((rule.source_matchers as string[]) ?? []).join(", ")}}`,
        `target {${((rule.target_matchers as string[]) ?? []).join(", ")}}`,
        `equal [${((rule.equal as string[]) ?? []).join(", ")}]`,
      ].join(" "),
    ),
  };
}

/* ---------------------------------------------------------------- rules */

function enabledPacks(load: Load, settings: Settings): PackLike[] {
  const { RULE_PACKS } = load<{ RULE_PACKS: PackLike[] }>("rules/packs");
  return RULE_PACKS.filter((pack) => settings.rules.packs.includes(pack.name));
}

function readAlerts(load: Load, settings: Settings, root: RouteLike | undefined): AlertModel[] {
  const { renderAlert } = load<{
    renderAlert: (rule: RuleLike, override: unknown, options: unknown) => Loose;
  }>("rules/render");
  return enabledPacks(load, settings).flatMap((pack) =>
    pack.groups.flatMap((group) =>
      group.rules
        .filter((rule) => typeof rule.alert === "string")
        .map((rule) => {
          const override = settings.rules.overrides[rule.alert!] ?? {};
          const rendered = renderAlert(rule, override, {
            annotations: false,
            metricPrefix: settings.applicationMetrics?.prefix,
          });
          const labels = (rendered.labels ?? {}) as Record<string, string>;
          return {
            alert: rule.alert!,
            pack: pack.name,
            group: group.name,
            expr: String(rendered.expr),
            threshold: override.threshold ?? rule.threshold ?? null,
            for: (rendered.for as string | undefined) ?? null,
            severity: labels.severity ?? "",
            receiver: root
              ? routeReceivers(root, { ...labels, alertname: rule.alert! }).join(", ")
              : null,
          };
        }),
    ),
  );
}

function readRecordingRules(load: Load, settings: Settings): RecordingModel[] {
  const { renderGroup } = load<{
    renderGroup: (
      group: PackLike["groups"][number],
      overrides: unknown,
      options: unknown,
    ) => {
      rules: Loose[];
    };
  }>("rules/render");
  return enabledPacks(load, settings).flatMap((pack) =>
    pack.groups.flatMap((group) => {
      // The expressions as deployed (under the stack's applicationMetrics.prefix, if any).
      const rendered = renderGroup(
        group,
        {},
        {
          metricPrefix: settings.applicationMetrics?.prefix,
        },
      ).rules;
      return group.rules
        .map((rule, index) => ({ rule, expr: rendered[index].expr }))
        .filter(({ rule }) => typeof rule.record === "string")
        .map(({ rule, expr }) => ({
          key:
            rule.record! +
            (rule.labels && Object.keys(rule.labels).length > 0 ? JSON.stringify(rule.labels) : ""),
          pack: pack.name,
          group: group.name,
          expr: String(expr),
        }));
    }),
  );
}

/* ---------------------------------------------------------------- dashboards */

interface PanelLike extends Loose {
  type?: string;
  title?: string;
  targets?: Loose[];
  panels?: PanelLike[];
  fieldConfig?: {
    defaults?: { thresholds?: { steps?: { value: number | null; color: string }[] } };
  };
}

function queryText(target: Loose): string {
  for (const key of ["expr", "query", "rawSql"]) {
    if (typeof target[key] === "string") return target[key] as string;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { datasource, refId, ...rest } = target;
  return JSON.stringify(rest);
}

function readPanels(panels: PanelLike[]): PanelModel[] {
  const flat: { title: string; panel: PanelLike }[] = [];
  for (const panel of panels) {
    if (panel.type === "row") {
      for (const inner of panel.panels ?? []) {
        flat.push({ title: `${panel.title ?? ""} / ${inner.title ?? ""}`, panel: inner });
      }
    } else {
      flat.push({ title: panel.title ?? "", panel });
    }
  }
  const seen = new Map<string, number>();
  return flat.map(({ title, panel }) => {
    const count = (seen.get(title) ?? 0) + 1;
    seen.set(title, count);
    return {
      key: count === 1 ? title : `${title} (${count})`,
      type: panel.type ?? "",
      queries: (panel.targets ?? []).map(queryText),
      thresholds: (panel.fieldConfig?.defaults?.thresholds?.steps ?? [])
        .filter((step) => step.value !== null && step.value !== undefined)
        .map((step) => `${step.value} ${step.color}`),
    };
  });
}

function readDashboards(load: Load, settings: Settings): DashboardModel[] {
  const { dashboardFiles } = load<{
    dashboardFiles: (settings: Settings) => { uid: string; folder: string; json: Loose }[];
  }>("dashboards");
  // Dashboards are provisioned by Grafana: none without it.
  if (settings.components.grafana?.enabled === false) return [];
  return dashboardFiles(settings).map((file) => ({
    uid: file.uid,
    title: String(file.json.title ?? file.uid),
    folder: file.folder,
    panels: readPanels((file.json.panels ?? []) as PanelLike[]),
  }));
}

/* ---------------------------------------------------------------- components */

const MODELLED_ELSEWHERE = /^(prometheus\/rules\/|grafana\/dashboards\/)/;

function readComponents(load: Load, settings: Settings): Record<string, ComponentModel> {
  const { buildSpecs } = load<{ buildSpecs: (settings: Settings) => SpecLike[] }>(
    "components/specs",
  );
  const quantities = (value: { cpu: string; memory: string }) =>
    `cpu ${value.cpu}, memory ${value.memory}`;
  return Object.fromEntries(
    buildSpecs(settings).map((spec) => [
      spec.id,
      {
        image: spec.image,
        workload: spec.workload,
        replicas: spec.replicas,
        requests: quantities(spec.resources.requests),
        limits: quantities(spec.resources.limits),
        ports: Object.fromEntries(
          spec.ports.map((port) => [
            port.name,
            port.publishedPort === undefined
              ? `${port.containerPort}`
              : `${port.containerPort}→${port.publishedPort}`,
          ]),
        ),
        storage: spec.dataVolume?.size ?? null,
        args: spec.args ?? [],
        env: spec.env ?? {},
        secretEnv: Object.values(spec.secretEnv ?? {})
          .map((ref) => ref.secret)
          .sort(),
        configFiles: Object.fromEntries(
          (spec.configFiles ?? [])
            .filter((file) => !MODELLED_ELSEWHERE.test(file.renderPath))
            .map((file) => [file.renderPath, digest(file.content)]),
        ),
      },
    ]),
  );
}

/* ---------------------------------------------------------------- one stack */

export function extractStack(projectDir: string, stack: string): StackModel {
  if (!fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) {
    return { stack, state: "absent" };
  }
  const load = projectModules(projectDir);
  let settings: Settings;
  try {
    const { loadSettings } = load<{ loadSettings: (raw: unknown) => Settings }>("config/load");
    const { readStackFile } = load<{ readStackFile: (dir: string, stack: string) => unknown }>(
      "config/stack-file",
    );
    settings = loadSettings(readStackFile(projectDir, stack));
  } catch (error) {
    return { stack, state: "failed", error: errorText(error) };
  }
  const alertmanager = section(() => readAlertmanager(load, settings));
  const root = alertmanager.ok ? alertmanager.value.root : undefined;
  return {
    stack,
    state: "rendered",
    settings: section(() => readSettings(load, settings)),
    alerts: section(() => readAlerts(load, settings, root)),
    recordingRules: section(() => readRecordingRules(load, settings)),
    alertmanager: alertmanager.ok
      ? {
          ok: true,
          value: {
            routes: alertmanager.value.routes,
            receivers: alertmanager.value.receivers,
            inhibitions: alertmanager.value.inhibitions,
          },
        }
      : alertmanager,
    dashboards: section(() => readDashboards(load, settings)),
    components: section(() => readComponents(load, settings)),
  };
}

if (require.main === module) {
  const [projectDir, ...stacks] = process.argv.slice(2);
  if (!projectDir) {
    console.error("usage: extract.ts <projectDir> <stack>...");
    process.exit(2);
  }
  // The project's modules may log; the model goes to stdout alone.
  console.log = (...args: unknown[]) => console.error(...args);
  const output: ExtractOutput = { stacks: stacks.map((stack) => extractStack(projectDir, stack)) };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}
