import { Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { grafanaSpec } from "../../components/grafana/spec";
import { alertThreshold, dashboardFiles, DashboardFile } from "../../dashboards";
import {
  dashboardLogqlProblems,
  dashboardProblems,
  dashboardPromqlProblems,
  datasourceProblems,
  GRAFANA_SCHEMA_VERSIONS,
  layoutProblems,
  modelProblems,
  SDK_SCHEMA_VERSION,
  uidProblems,
  withStandIns,
} from "../../dashboards/checks";
import { layout } from "../../dashboards/layout";
import { logqlProblems } from "../../dashboards/logql";
import { promqlSyntaxError } from "../../rules/promql";
import versions from "../../versions.json";
import { settingsFrom, stackSettings, STACKS } from "../support/settings";

const SEED_DASHBOARDS = {
  "request-flow": ["Request Flow Analysis", "Services"],
  "infrastructure-overview": ["Infrastructure Overview", "Infrastructure"],
  "cost-optimization": ["Cost Optimization", "Business"],
  operations: ["Operations", "Business"],
  "team-performance": ["Team Performance", "Business"],
  "integration-health": ["Integration Health", "Services"],
  "api-performance": ["API Performance", "Services"],
  "credit-usage": ["Credit Usage", "Business"],
  "llm-analytics": ["LLM Analytics", "Business"],
  "system-health": ["System Health", "Infrastructure"],
};
const STACK_DASHBOARDS = [
  "stack-overview",
  "stack-prometheus",
  "stack-alertmanager",
  "stack-loki",
  "stack-jaeger",
  "stack-otel-collector",
  "stack-grafana",
];

type Json = { title: string; panels: (Panel | RowPanel)[]; templating: { list: any[] } };
const model = (file: DashboardFile) => file.json as Json;
const byUid = (files: DashboardFile[], uid: string) => {
  const file = files.find((candidate) => candidate.uid === uid);
  if (!file) throw new Error(`no dashboard ${uid}`);
  return file;
};
const panelsOf = (file: DashboardFile) => model(file).panels as Panel[];
const panelTitled = (file: DashboardFile, title: string) => {
  const panel = panelsOf(file).find((candidate) => candidate.title === title);
  if (!panel) throw new Error(`no panel "${title}" in ${file.uid}`);
  return panel;
};
const exprs = (file: DashboardFile) =>
  panelsOf(file).flatMap((panel) => (panel.targets ?? []).map((target: any) => target.expr));
const clone = (file: DashboardFile): DashboardFile => structuredClone(file);

describe("dashboards of the shipped stacks", () => {
  test.each(STACKS)("%s: every check passes", (stack) => {
    const settings = stackSettings(stack);
    expect(dashboardProblems(dashboardFiles(settings), settings)).toEqual([]);
  });

  test("a stack with applicationMetrics.prefix passes every check, and its checks want the prefix", () => {
    const settings = settingsFrom({
      environment: "prod",
      applicationMetrics: { prefix: "ops_center_" },
    });
    expect(dashboardProblems(dashboardFiles(settings), settings)).toEqual([]);
    // The dashboards of a stack without the prefix query names this stack's services lack.
    const unprefixed = dashboardFiles(settingsFrom({ environment: "prod" }));
    const problems = dashboardProblems(unprefixed, settings);
    expect(problems).toContainEqual(
      expect.stringContaining('unknown metric "http_requests_total"'),
    );
    expect(problems.join("\n")).not.toMatch(/unknown metric "(node_|up"|service:)/);
  });

  test("the seed dashboards, the logs dashboard and one per stack component, in their folders", () => {
    const files = dashboardFiles(stackSettings("dev"));
    for (const [uid, [title, folder]] of Object.entries(SEED_DASHBOARDS)) {
      expect({
        uid,
        title: model(byUid(files, uid)).title,
        folder: byUid(files, uid).folder,
      }).toEqual({ uid, title, folder });
    }
    expect(byUid(files, "logs").folder).toBe("Services");
    for (const uid of STACK_DASHBOARDS) expect(byUid(files, uid).folder).toBe("Stack");
    expect(files).toHaveLength(Object.keys(SEED_DASHBOARDS).length + 1 + STACK_DASHBOARDS.length);
  });

  test("every dashboard has the environment variable; application ones a service variable", () => {
    const files = dashboardFiles(stackSettings("dev"));
    for (const file of files) {
      const names = model(file).templating.list.map((variable) => variable.name);
      expect(names).toContain("environment");
    }
    for (const uid of [...Object.keys(SEED_DASHBOARDS), "logs"]) {
      const names = model(byUid(files, uid)).templating.list.map((variable) => variable.name);
      expect(names).toContain("service");
    }
  });

  test("the Grafana spec mounts each dashboard in its folder", () => {
    const settings = stackSettings("dev");
    const mounted = grafanaSpec(settings)
      .configFiles.filter((file) => file.renderPath.startsWith("grafana/dashboards/"))
      .map((file) => file.file);
    expect(mounted).toContain("Business/credit-usage.json");
    expect(mounted).toContain("Stack/stack-overview.json");
    expect(mounted).toHaveLength(dashboardFiles(settings).length);
  });

  test("the stack overview shows every enabled component and links to its dashboard", () => {
    const overview = byUid(dashboardFiles(stackSettings("dev")), "stack-overview");
    const grafana = panelTitled(overview, "Grafana");
    expect(grafana.targets).toEqual([expect.objectContaining({ expr: 'min(up{job="grafana"})' })]);
    expect(grafana.links?.[0].url).toBe("/d/stack-grafana");
    expect(panelTitled(overview, "cAdvisor").links?.[0].url).toBe("/d/infrastructure-overview");
  });
});

describe("only what the stack provisions", () => {
  const withoutLoki = settingsFrom({
    environment: "dev",
    components: { loki: { enabled: false } },
  });

  test("Loki disabled: no logs dashboard, no Loki dashboard, no Loki query anywhere", () => {
    const files = dashboardFiles(withoutLoki);
    expect(files.map((file) => file.uid)).not.toContain("logs");
    expect(files.map((file) => file.uid)).not.toContain("stack-loki");
    for (const file of files) {
      for (const panel of panelsOf(file)) expect(panel.datasource?.uid).not.toBe("loki");
    }
    expect(dashboardProblems(files, withoutLoki)).toEqual([]);
  });

  test("Jaeger disabled: the logs dashboard keeps its panels but drops the link to traces", () => {
    const settings = settingsFrom({
      environment: "dev",
      components: { jaeger: { enabled: false } },
    });
    const logs = byUid(dashboardFiles(settings), "logs");
    expect(panelTitled(logs, "Lines by correlation ID").links ?? []).toEqual([]);
    const withJaeger = byUid(dashboardFiles(stackSettings("dev")), "logs");
    expect(panelTitled(withJaeger, "Lines by correlation ID").links?.[0].url).toContain(
      "%22datasource%22%3A%22jaeger%22",
    );
  });

  test("a disabled exporter drops its rows; a disabled pack drops the panels on its recorded series", () => {
    const settings = settingsFrom({
      environment: "dev",
      components: { cadvisor: { enabled: false } },
      rules: { packs: { api: false } },
    });
    const files = dashboardFiles(settings);
    const infrastructure = byUid(files, "infrastructure-overview");
    expect(panelsOf(infrastructure).map((panel) => panel.title)).not.toContain("Containers");
    expect(exprs(byUid(files, "api-performance")).join(" ")).not.toContain("service:http_");
    // The raw-metric panels stay.
    expect(panelTitled(byUid(files, "request-flow"), "Request rate by service")).toBeDefined();
    expect(dashboardProblems(files, settings)).toEqual([]);
  });

  test("the checks find a recorded series whose pack the stack disables", () => {
    const built = byUid(dashboardFiles(stackSettings("dev")), "api-performance");
    const settings = settingsFrom({ environment: "dev", rules: { packs: { api: false } } });
    expect(dashboardPromqlProblems(built, settings)).toContainEqual(
      expect.stringMatching(/unknown metric "service:http_request_errors:ratio_rate5m"/),
    );
  });
});

describe("thresholds come from the alert rules", () => {
  const steps = (file: DashboardFile, title: string) =>
    panelTitled(file, title).fieldConfig?.defaults?.thresholds?.steps;

  test("the error ratio panel draws HighAPIErrorRate and CriticalAPIErrorRate", () => {
    const api = byUid(dashboardFiles(stackSettings("dev")), "api-performance");
    expect(steps(api, "5xx ratio by service")).toEqual([
      { value: null, color: "green" },
      { value: 0.01, color: "orange" },
      { value: 0.05, color: "red" },
    ]);
  });

  test("a stack override moves the panel's threshold step and recolors it by severity", () => {
    const settings = settingsFrom({
      environment: "dev",
      rules: { overrides: { HighAPIErrorRate: { threshold: 0.02, severity: "critical" } } },
    });
    const api = byUid(dashboardFiles(settings), "api-performance");
    expect(steps(api, "5xx ratio by service")).toEqual([
      { value: null, color: "green" },
      { value: 0.02, color: "red" },
      { value: 0.05, color: "red" },
    ]);
    expect(alertThreshold(settings, "HighAPIErrorRate")).toBe(0.02);
    expect(alertThreshold(stackSettings("dev"), "HighAPIErrorRate")).toBe(0.01);
  });

  test("below-threshold alerts color the low end: credit balances", () => {
    const credit = byUid(dashboardFiles(stackSettings("dev")), "credit-usage");
    expect(steps(credit, "Lowest credit balances")).toEqual([
      { value: null, color: "red" },
      { value: 10, color: "orange" },
      { value: 100, color: "green" },
    ]);
  });

  test("a threshold inside a query follows the override too", () => {
    const settings = settingsFrom({
      environment: "dev",
      rules: { overrides: { LowCreditBalance: { threshold: 250 } } },
    });
    const credit = byUid(dashboardFiles(settings), "credit-usage");
    expect(panelTitled(credit, "Organisations low on credits").targets?.[0]).toMatchObject({
      expr: expect.stringContaining("< 250"),
    });
  });

  test("alerts on any occurrence (> 0) leave a quiet zero green; shared thresholds give one step", () => {
    const prometheus = byUid(dashboardFiles(stackSettings("dev")), "stack-prometheus");
    // PrometheusRuleEvaluationFailures (critical) and PrometheusMissedRuleEvaluations (warning).
    expect(steps(prometheus, "Failed and missed rule evaluations (5m)")).toEqual([
      { value: null, color: "green" },
      { value: Number.MIN_VALUE, color: "red" },
    ]);
  });

  test("an alert of a disabled pack has no threshold; an unknown alert is an error", () => {
    const settings = settingsFrom({ environment: "dev", rules: { packs: { billing: false } } });
    expect(alertThreshold(settings, "LowCreditBalance")).toBeUndefined();
    expect(() => alertThreshold(settings, "NoSuchAlert")).toThrow(
      "no alert named NoSuchAlert in any rule pack",
    );
  });
});

describe("the checks fail on broken dashboards", () => {
  const settings = stackSettings("dev");
  const api = () => clone(byUid(dashboardFiles(settings), "api-performance"));
  const firstQueryPanel = (file: DashboardFile) =>
    panelsOf(file).find((panel) => (panel.targets ?? []).length > 0)!;

  test("a datasource uid the stack does not provision", () => {
    const file = api();
    const panel = firstQueryPanel(file);
    panel.datasource = { type: "prometheus", uid: "victoria" };
    expect(datasourceProblems(file, settings)).toEqual([
      `dashboard api-performance: panel ${panel.id} "${panel.title}": datasource uid "victoria" is not provisioned for this stack (provisioned: prometheus, loki, jaeger, alertmanager)`,
    ]);
  });

  test("a Loki panel on a stack without Loki", () => {
    const logs = byUid(dashboardFiles(settings), "logs");
    const withoutLoki = settingsFrom({
      environment: "dev",
      components: { loki: { enabled: false } },
    });
    expect(datasourceProblems(logs, withoutLoki).length).toBeGreaterThan(0);
    expect(datasourceProblems(logs, withoutLoki)[0]).toMatch(
      /datasource uid "loki" is not provisioned/,
    );
  });

  test("an unknown metric and a PromQL syntax error", () => {
    const file = api();
    const panel = firstQueryPanel(file);
    (panel.targets![0] as any).expr = "sum(rate(made_up_requests_total[$__rate_interval]))";
    const problems = dashboardPromqlProblems(file, settings);
    expect(problems).toEqual([
      `dashboard api-performance: panel ${panel.id} "${panel.title}" target A: unknown metric "made_up_requests_total": not in metrics/ catalogs nor recorded by an enabled rule pack`,
    ]);
    (panel.targets![0] as any).expr = "sum(rate(http_requests_total[5m])";
    expect(dashboardPromqlProblems(file, settings)[0]).toMatch(/target A: PromQL does not parse/);
  });

  test("an unknown metric in a variable query", () => {
    const file = api();
    model(file).templating.list[1].query = "label_values(nope_total, service)";
    expect(dashboardPromqlProblems(file, settings)).toEqual([
      `dashboard api-performance: variable service: unknown metric "nope_total": not in metrics/ catalogs nor recorded by an enabled rule pack`,
    ]);
  });

  test("overlapping panels and panels past the 24th column", () => {
    const file = api();
    const [a, b] = panelsOf(file).filter((panel) => panel.type !== "row");
    b.gridPos = { ...a.gridPos! };
    expect(layoutProblems(file)).toEqual([
      `dashboard api-performance: panel ${a.id} "${a.title}" overlaps panel ${b.id} "${b.title}"`,
    ]);
    b.gridPos = { x: 20, y: 500, w: 8, h: 4 };
    expect(layoutProblems(file)).toEqual([
      `dashboard api-performance: panel ${b.id} "${b.title}": gridPos x=20 w=8 y=500 h=4 is outside the 24-column grid`,
    ]);
  });

  test("duplicate panel ids, a missing unit and a schema version Grafana 12 does not read", () => {
    const file = api();
    const [a, b] = panelsOf(file).filter((panel) => panel.type !== "row");
    b.id = a.id;
    delete a.fieldConfig!.defaults.unit;
    (file.json as any).schemaVersion = 99;
    expect(modelProblems(file)).toEqual([
      "dashboard api-performance: schemaVersion 99 is outside what Grafana 12 reads (13–42)",
      `dashboard api-performance: schemaVersion 99 differs from the SDK's ${SDK_SCHEMA_VERSION}`,
      `dashboard api-performance: panel ${a.id} "${a.title}": no unit (fieldConfig.defaults.unit)`,
      `dashboard api-performance: panel id ${a.id} is used by 2 panels`,
    ]);
  });

  test("a bad uid and two dashboards with one uid", () => {
    const file = api();
    file.uid = "api performance!";
    (file.json as any).uid = file.uid;
    expect(modelProblems(file)).toEqual([
      'dashboard api performance!: uid must be 1–40 letters, digits, "-" or "_"',
    ]);
    expect(uidProblems([api(), api()])).toEqual([
      'dashboard uid "api-performance" is used by 2 dashboards',
    ]);
  });

  test("a Loki query with an unknown label", () => {
    const logs = clone(byUid(dashboardFiles(settings), "logs"));
    const panel = panelTitled(logs, "Error lines, last hour");
    (panel.targets![0] as any).expr = '{app="api"} | level="error"';
    expect(dashboardLogqlProblems(logs)).toEqual([
      `dashboard logs: panel ${panel.id} "Error lines, last hour" target A: LogQL unknown stream label "app" in: {app="api"} | level="error"`,
      `dashboard logs: panel ${panel.id} "Error lines, last hour" target A: LogQL unknown label "level" in a label filter in: {app="api"} | level="error"`,
    ]);
  });
});

describe("schema version", () => {
  test("the SDK writes a version the deployed Grafana reads", () => {
    const major = Number(versions.components.grafana.split(".")[0]);
    const supported = GRAFANA_SCHEMA_VERSIONS[major];
    expect(supported).toBeDefined();
    expect(SDK_SCHEMA_VERSION).toBeGreaterThanOrEqual(supported.min);
    expect(SDK_SCHEMA_VERSION).toBeLessThanOrEqual(supported.latest);
  });
});

describe("PromQL with Grafana variables", () => {
  test.each([
    "rate(http_requests_total[$__rate_interval])",
    "increase(http_requests_total[$__range])",
    'sum(rate(http_requests_total{service=~"$service"}[5m]))',
    'topk($limit, http_requests_total{route="${route:regex}"})',
    "sum(rate(http_requests_total[${window}])) * ${__range_s}",
    "avg_over_time(up[[[interval]]])",
  ])("%s parses once variables are stood in for", (expr) => {
    expect(promqlSyntaxError(withStandIns(expr))).toBeUndefined();
  });
});

describe("LogQL", () => {
  test.each([
    '{service_name=~"$service"} | detected_level="error"',
    'sum by (service_name) (count_over_time({service_name=~".+"} |= "timeout" [$__auto]))',
    '{service_name="api"} | json | status >= 500',
    '{service_name="api"} | correlation_id=~"${correlation_id:regex}.*"',
  ])("%s passes", (query) => {
    expect(logqlProblems(query)).toEqual([]);
  });

  test.each([
    ['{service_name="api"', 'unclosed "{"'],
    ['{service_name="api}', 'unclosed " string'],
    ["{}", "empty stream selector {}"],
    ['rate({service_name="api"}[5m]))', 'unbalanced ")"'],
    ['{job="api"}', 'unknown stream label "job"'],
    ['sum by (pod) (rate({service_name="api"}[5m]))', 'unknown label "pod" in by/without'],
    ["count_over_time(rate[5m])", "no stream selector {...}"],
  ])("%s fails: %s", (query, problem) => {
    expect(logqlProblems(query)).toContain(problem);
  });
});

describe("layout", () => {
  /** Deterministic pseudo-random widths and heights, so a failure reproduces. */
  function* sizes(seed: number) {
    let state = seed;
    for (;;) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      yield state;
    }
  }

  test("random rows never overlap, stay within 24 columns and number panels uniquely", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = sizes(seed);
      const next = (n: number) => random.next().value! % n;
      const rows = Array.from({ length: 1 + next(5) }, (_, row) => ({
        title: next(2) ? `row ${row}` : undefined,
        panels: Array.from({ length: next(7) }, () => ({
          type: "timeseries",
          gridPos: { x: 0, y: 0, w: 1 + next(24), h: 1 + next(12) },
          fieldConfig: { defaults: { unit: "s" }, overrides: [] },
        })) as Panel[],
      }));
      const file = {
        uid: "random",
        folder: "Stack",
        json: {
          uid: "random",
          title: "r",
          schemaVersion: SDK_SCHEMA_VERSION,
          panels: layout(rows),
        },
      };
      expect(layoutProblems(file)).toEqual([]);
      expect(modelProblems(file)).toEqual([]);
    }
  });

  test("panels fill a line left to right and wrap when the next one does not fit", () => {
    const panel = (w: number, h = 8) => ({ type: "stat", gridPos: { x: 0, y: 0, w, h } }) as Panel;
    const placed = layout([{ title: "A", panels: [panel(12, 4), panel(8), panel(6)] }]);
    expect(placed.map((p) => [p.id, p.type, p.gridPos])).toEqual([
      [1, "row", { x: 0, y: 0, w: 24, h: 1 }],
      [2, "stat", { x: 0, y: 1, w: 12, h: 4 }],
      [3, "stat", { x: 12, y: 1, w: 8, h: 8 }],
      [4, "stat", { x: 0, y: 9, w: 6, h: 8 }],
    ]);
  });
});
