import * as yaml from "js-yaml";
import { renderStack } from "../../components/render";
import { DashboardFile } from "../../dashboards";
import { variablePromqlSpan, withStandIns } from "../../dashboards/checks";
import { prefixDashboard, prefixGrafanaPromql } from "../../dashboards/naming";
import * as application from "../../metrics/application";
import { EXPORTER_CATALOGS } from "../../metrics/catalogs";
import {
  APPLICATION_SERIES,
  MetricPrefixError,
  prefixApplicationMetrics,
} from "../../metrics/naming";
import { createRegistry } from "../../metrics/registry";
import { MetricDefinition } from "../../metrics/types";
import { RULE_PACKS } from "../../rules/packs";
import { metricNames } from "../../rules/promql";
import { renderPack } from "../../rules/render";
import { isAlert } from "../../rules/types";
import { settingsFrom } from "../support/settings";

const PREFIX = "ops_center_";
const prefixed = (expr: string) => prefixApplicationMetrics(expr, PREFIX);

/** Series names of every definition a module exports, nested up to three levels. */
function seriesOf(module: object): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown, depth: number) => {
    const metric = value as MetricDefinition;
    if (typeof metric?.name === "string" && Array.isArray(metric.labelNames)) {
      names.add(metric.name);
      if (metric.type === "histogram") {
        for (const part of ["bucket", "sum", "count"]) names.add(`${metric.name}_${part}`);
      }
    } else if (typeof value === "object" && value !== null && depth < 3) {
      for (const nested of Object.values(value)) walk(nested, depth + 1);
    }
  };
  walk(module, 0);
  return names;
}

/** The application series as the catalog lists them, read apart from metrics/naming.ts. */
const CATALOG_APPLICATION_SERIES = seriesOf(application.APPLICATION_METRICS);

describe("the application metric rewriter", () => {
  test.each([
    // Counters, gauges and every series of a histogram, as the catalog names them.
    ["http_requests_total", "ops_center_http_requests_total"],
    ['credit_balance{tier="free"} < 10', 'ops_center_credit_balance{tier="free"} < 10'],
    [
      "histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))",
      "histogram_quantile(0.95, sum by (service, le) (rate(ops_center_http_request_duration_seconds_bucket[5m])))",
    ],
    [
      "rate(db_query_duration_seconds_sum[5m]) / rate(db_query_duration_seconds_count[5m])",
      "rate(ops_center_db_query_duration_seconds_sum[5m]) / rate(ops_center_db_query_duration_seconds_count[5m])",
    ],
    // A native histogram is selected by the family's name.
    [
      "histogram_quantile(0.9, rate(llm_request_duration_seconds[5m]))",
      "histogram_quantile(0.9, rate(ops_center_llm_request_duration_seconds[5m]))",
    ],
    // Aggregations, binary operators with matching, subqueries, offsets and @.
    [
      'sum by (service) (increase(payment_transactions_total{status="failed"}[5m])) > on (service) group_left max by (service) (dependency_up)',
      'sum by (service) (increase(ops_center_payment_transactions_total{status="failed"}[5m])) > on (service) group_left max by (service) (ops_center_dependency_up)',
    ],
    [
      "max_over_time(rate(llm_cost_total[5m])[1h:1m]) > 3 * avg_over_time(rate(llm_cost_total[5m] offset 1d)[24h:5m])",
      "max_over_time(rate(ops_center_llm_cost_total[5m])[1h:1m]) > 3 * avg_over_time(rate(ops_center_llm_cost_total[5m] offset 1d)[24h:5m])",
    ],
    ["queue_depth @ 1700000000 offset -5m", "ops_center_queue_depth @ 1700000000 offset -5m"],
    // The metric name in matchers: quoted, `__name__=` and `__name__!=`.
    ['{"organizations", service="a"}', '{"ops_center_organizations", service="a"}'],
    ["{__name__='queue_depth', team=\"x\"}", "{__name__='ops_center_queue_depth', team=\"x\"}"],
    [
      'count({__name__!="revenue_total", service="billing"})',
      'count({__name__!="ops_center_revenue_total", service="billing"})',
    ],
    // A regex on __name__ that selects no application metric is the exporters' business.
    ['count({__name__=~"node_.+"})', 'count({__name__=~"node_.+"})'],
  ])("%s", (expr, expected) => {
    expect(prefixed(expr)).toBe(expected);
  });

  test.each([
    // Exporters' metrics, the client's process metrics, `up`, recorded series.
    "rate(node_network_receive_bytes_total[5m]) > 0",
    'up{job="postgresql"} == 0',
    "max by (service, instance) (process_resident_memory_bytes) > 2147483648",
    "service:http_request_errors:ratio_rate5m > 0.01",
    "sum(service_route:http_request_errors:ratio_rate5m)",
    // Label values, label names and function strings that spell a metric's name.
    'up{job="http_requests_total", instance=~"credit_balance.*"}',
    "sum by (queue_depth) (node_load1)",
    'label_replace(up, "metric", "http_requests_total", "job", "(.*)")',
    // Names that only start or end like a catalog name.
    "http_requests + http_requests_total_created + my_credit_balance",
  ])("%s is left as it is", (expr) => {
    expect(prefixed(expr)).toBe(expr);
  });

  test("renames the metric, not a label of the same name", () => {
    expect(prefixed('sum by (queue_depth) (queue_depth{queue_depth="queue_depth"})')).toBe(
      'sum by (queue_depth) (ops_center_queue_depth{queue_depth="queue_depth"})',
    );
  });

  test("reads escapes in a __name__ matcher as Prometheus does", () => {
    expect(prefixed('{__name__="queue\\x5fdepth"}')).toBe(
      '{__name__="ops_center_queue\\x5fdepth"}',
    );
    expect(prefixed("{__name__=`queue_depth`}")).toBe("{__name__=`ops_center_queue_depth`}");
  });

  test("refuses a __name__ regex that selects application metrics", () => {
    expect(() => prefixed('sum(rate({__name__=~"http_.+_total"}[5m]))')).toThrow(MetricPrefixError);
    expect(() => prefixed('sum(rate({__name__=~"http_.+_total"}[5m]))')).toThrow(
      /__name__=~"http_\.\+_total" selects application metrics \(http_requests_total, http_errors_total\)/,
    );
    expect(() => prefixed('{__name__!~"credit_.*"}')).toThrow(MetricPrefixError);
  });

  test("refuses an expression that does not parse, whose selectors it cannot all find", () => {
    expect(() => prefixed("sum(rate(http_requests_total[5m])")).toThrow(
      /PromQL does not parse at character \d+ in: sum\(rate\(http_requests_total\[5m\]\)/,
    );
  });

  test("refuses a prefix that is not one", () => {
    for (const prefix of ["ops_center", "ops:center_", "1ops_", "ops-center_", "_ops_"]) {
      expect(() => prefixApplicationMetrics("http_requests_total", prefix)).toThrow(
        `metric prefix "${prefix}" is not`,
      );
    }
  });

  test("without a prefix returns the text as given, even text that does not parse", () => {
    for (const expr of ["http_requests_total", "sum(rate(http_requests_total[5m])"]) {
      expect(prefixApplicationMetrics(expr, "")).toBe(expr);
    }
  });
});

describe("the application series", () => {
  test("are what services expose, the client's process metrics left out", () => {
    expect(APPLICATION_SERIES.has("http_requests_total")).toBe(true);
    expect(APPLICATION_SERIES.has("first_response_time_seconds_bucket")).toBe(true);
    expect(APPLICATION_SERIES.has("first_response_time_seconds_count")).toBe(true);
    expect(APPLICATION_SERIES.has("process_resident_memory_bytes")).toBe(false);
    // 21 counters and 11 gauges, 7 histograms of 4 names each.
    expect(APPLICATION_SERIES.size).toBe(21 + 11 + 7 * 4);
  });

  test("share no name with an exporter's metrics, so renaming them never renames an exporter's", () => {
    const exporters = Object.values(EXPORTER_CATALOGS).map((module) => [...seriesOf(module)]);
    // Every exporter catalog contributes names, so the comparison below compares something.
    for (const names of exporters) expect(names.length).toBeGreaterThan(0);
    expect(exporters.flat().filter((name) => APPLICATION_SERIES.has(name))).toEqual([]);
    expect([...seriesOf(application)].filter((name) => !APPLICATION_SERIES.has(name))).toEqual([
      "process_resident_memory_bytes",
    ]);
  });
});

describe("Grafana queries", () => {
  test("stand-ins for variables are as long as the variables", () => {
    for (const expr of [
      "rate(x[$__rate_interval])",
      'topk($limit, x{route="${route:regex}"}) * ${__range_s}',
      "avg_over_time(up[[[interval]]])",
    ]) {
      expect(withStandIns(expr)).toHaveLength(expr.length);
    }
  });

  test.each([
    [
      'sum(rate(http_requests_total{service=~"$service"}[$__rate_interval]))',
      'sum(rate(ops_center_http_requests_total{service=~"$service"}[$__rate_interval]))',
    ],
    [
      'topk($limit, sum by (route) (increase(http_errors_total{route=~"${route:regex}"}[$__range]))) / ${__range_s}',
      'topk($limit, sum by (route) (increase(ops_center_http_errors_total{route=~"${route:regex}"}[$__range]))) / ${__range_s}',
    ],
    [
      "avg_over_time(queue_depth[[[interval]]]) and up",
      "avg_over_time(ops_center_queue_depth[[[interval]]]) and up",
    ],
  ])("%s keeps its variables", (expr, expected) => {
    expect(prefixGrafanaPromql(expr, PREFIX)).toBe(expected);
  });

  test("a dashboard's Prometheus targets, annotations and variables are renamed; Loki's are not", () => {
    const prometheusSource = { type: "prometheus", uid: "prometheus" };
    const lokiSource = { type: "loki", uid: "loki" };
    const file: DashboardFile = {
      uid: "probe",
      folder: "Services",
      json: {
        panels: [
          {
            type: "timeseries",
            datasource: prometheusSource,
            targets: [{ expr: "sum(rate(http_requests_total[$__rate_interval]))" }],
          },
          {
            type: "row",
            panels: [
              {
                type: "stat",
                datasource: prometheusSource,
                targets: [{ expr: "max(credit_balance)" }, { expr: "up" }],
              },
            ],
          },
          {
            type: "logs",
            datasource: lokiSource,
            targets: [{ expr: '{service_name="http_requests_total"} |= "credit_balance"' }],
          },
        ],
        annotations: {
          list: [{ datasource: prometheusSource, expr: "changes(dependency_up[5m]) > 0" }],
        },
        templating: {
          list: [
            {
              type: "query",
              datasource: prometheusSource,
              query: "label_values(http_request_duration_seconds_count, service)",
              definition: "label_values(http_request_duration_seconds_count, service)",
            },
            {
              type: "query",
              datasource: prometheusSource,
              query: {
                query: 'query_result(topk(5, sum by (org_id) (credit_balance{tier="$t"})))',
              },
            },
            { type: "query", datasource: prometheusSource, query: "label_values(service)" },
            { type: "query", datasource: lokiSource, query: "label_values(service_name)" },
          ],
        },
      },
    };
    const before = structuredClone(file);
    expect(prefixDashboard(file, PREFIX).json).toEqual({
      panels: [
        {
          type: "timeseries",
          datasource: prometheusSource,
          targets: [{ expr: "sum(rate(ops_center_http_requests_total[$__rate_interval]))" }],
        },
        {
          type: "row",
          panels: [
            {
              type: "stat",
              datasource: prometheusSource,
              targets: [{ expr: "max(ops_center_credit_balance)" }, { expr: "up" }],
            },
          ],
        },
        {
          type: "logs",
          datasource: lokiSource,
          targets: [{ expr: '{service_name="http_requests_total"} |= "credit_balance"' }],
        },
      ],
      annotations: {
        list: [{ datasource: prometheusSource, expr: "changes(ops_center_dependency_up[5m]) > 0" }],
      },
      templating: {
        list: [
          {
            type: "query",
            datasource: prometheusSource,
            query: "label_values(ops_center_http_request_duration_seconds_count, service)",
            definition: "label_values(ops_center_http_request_duration_seconds_count, service)",
          },
          {
            type: "query",
            datasource: prometheusSource,
            query: {
              query:
                'query_result(topk(5, sum by (org_id) (ops_center_credit_balance{tier="$t"})))',
            },
          },
          { type: "query", datasource: prometheusSource, query: "label_values(service)" },
          { type: "query", datasource: lokiSource, query: "label_values(service_name)" },
        ],
      },
    });
    // The dashboard given is not changed; without a prefix it is returned as it is.
    expect(file).toEqual(before);
    expect(prefixDashboard(file, "")).toBe(file);
  });
});

/**
 * Every metric name a rendered stack's PromQL selects, read from the files `npm run render`
 * writes (rule files and dashboard JSON), each parsed by lezer-promql.
 */
function renderedMetricNames(values: Record<string, unknown>): {
  rules: Set<string>;
  dashboards: Set<string>;
} {
  const files = renderStack(settingsFrom(values));
  const rules = new Set<string>();
  const dashboards = new Set<string>();
  for (const file of files.filter((f) => /^prometheus\/rules\/.*\.yml$/.test(f.path))) {
    const content = yaml.load(file.content) as { groups: { rules: { expr: string }[] }[] };
    for (const group of content.groups) {
      for (const rule of group.rules) for (const name of metricNames(rule.expr)) rules.add(name);
    }
  }
  type Node = { datasource?: { type?: string }; targets?: Node[]; panels?: Node[]; expr?: string };
  const addQuery = (expr: string) => {
    for (const name of metricNames(withStandIns(expr))) dashboards.add(name);
  };
  const walk = (panel: Node) => {
    for (const nested of panel.panels ?? []) walk(nested);
    for (const target of panel.targets ?? []) {
      const type = (target.datasource ?? panel.datasource)?.type;
      if (type === "prometheus" && typeof target.expr === "string") addQuery(target.expr);
    }
  };
  for (const file of files.filter((f) => /^grafana\/dashboards\/.*\.json$/.test(f.path))) {
    const model = JSON.parse(file.content) as {
      panels?: Node[];
      templating?: { list?: { datasource?: { type?: string }; query?: unknown }[] };
    };
    for (const panel of model.panels ?? []) walk(panel);
    for (const variable of model.templating?.list ?? []) {
      if (variable.datasource?.type !== "prometheus" || typeof variable.query !== "string")
        continue;
      const span = variablePromqlSpan(variable.query);
      if (span) addQuery(variable.query.slice(span.from, span.to));
    }
  }
  return { rules, dashboards };
}

describe("a stack with applicationMetrics.prefix", () => {
  const withPrefix = renderedMetricNames({
    environment: "prod",
    applicationMetrics: { prefix: PREFIX },
  });
  const without = renderedMetricNames({ environment: "prod" });

  test.each(["rules", "dashboards"] as const)(
    "names no application metric without the prefix in its %s",
    (kind) => {
      const names = [...withPrefix[kind]];
      expect(names.filter((name) => CATALOG_APPLICATION_SERIES.has(name))).toEqual([]);
      const renamed = names.filter((name) => name.startsWith(PREFIX));
      expect(renamed.length).toBeGreaterThan(20);
      // Each prefixed name is an application series, and each application series the stack
      // reads without a prefix is read under it: nothing lost, nothing renamed twice.
      expect(renamed.map((name) => name.slice(PREFIX.length)).sort()).toEqual(
        [...without[kind]].filter((name) => CATALOG_APPLICATION_SERIES.has(name)).sort(),
      );
      // Exporters' metrics and recorded series keep their names.
      expect(names.filter((name) => !name.startsWith(PREFIX)).sort()).toEqual(
        [...without[kind]].filter((name) => !CATALOG_APPLICATION_SERIES.has(name)).sort(),
      );
    },
  );

  test("the same check finds the unprefixed names of a stack without a prefix", () => {
    expect([...without.rules].filter((name) => CATALOG_APPLICATION_SERIES.has(name))).toContain(
      "http_requests_total",
    );
    expect(
      [...without.dashboards].filter((name) => CATALOG_APPLICATION_SERIES.has(name)),
    ).toContain("credit_balance");
  });

  test("without a prefix every rule's expression is the pack's text as written", () => {
    for (const pack of RULE_PACKS) {
      const rendered = renderPack(pack).groups.flatMap((group) => group.rules);
      const written = pack.groups.flatMap((group) => group.rules);
      expect(rendered.map((rule) => rule.expr)).toEqual(
        written.map((rule) => (isAlert(rule) ? rule.expr(rule.threshold ?? 0) : rule.expr)),
      );
    }
  });
});

describe("the application registry under a prefix", () => {
  test("registers every application metric prefixed, the process metrics as they are", async () => {
    const { registry, metrics } = createRegistry({ service: "core-api", prefix: PREFIX });
    metrics.httpRequestsTotal.inc({ method: "GET", route: "/v1/credits", status_code: "200" });
    metrics.firstResponseTimeSeconds.observe({ team: "sales" }, 95);
    const text = await registry.metrics();
    expect(text).toContain(
      'ops_center_http_requests_total{method="GET",route="/v1/credits",status_code="200",service="core-api"} 1',
    );
    expect(text).toContain(
      'ops_center_first_response_time_seconds_bucket{le="120",service="core-api",team="sales"} 1',
    );
    expect(text).toContain("# TYPE process_cpu_seconds_total counter");
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    const ours = names.filter((name) => name.startsWith(PREFIX));
    expect(ours).toHaveLength(21 + 11 + 7);
    expect(
      ours.filter((name) => !CATALOG_APPLICATION_SERIES.has(name.slice(PREFIX.length))),
    ).toEqual([]);
    expect(names.filter((name) => CATALOG_APPLICATION_SERIES.has(name))).toEqual([]);
  });

  test("refuses a prefix that is not one", () => {
    expect(() => createRegistry({ prefix: "ops-center_", defaultMetrics: false })).toThrow(
      'metric prefix "ops-center_" is not',
    );
  });
});
