import * as application from "../../metrics/application";
import { renderAlert } from "../../rules/render";
import { createRegistry } from "../../metrics/registry";
import { CATALOG_SERIES } from "../../metrics/catalogs";
import { isMetricDefinition } from "../../metrics/types";
import * as yaml from "js-yaml";
import { renderPrometheusConfig } from "../../components/prometheus/config";
import { toYaml } from "../../components/yaml";
import { ruleFiles } from "../../rules";
import { databasePack, POSTGRESQL_EXPORTER_JOB } from "../../rules/packs/database";
import { settingsFrom, STACKS, stackSettings } from "../support/settings";
import { metricNames, promqlSyntaxError } from "../../rules/promql";
import { RULE_PACKS } from "../../rules/packs";
import { alertsOf, renderPack, RuleSyntaxError } from "../../rules/render";
import { isAlert, PromDuration, RecordingRule, RulePack, Severity } from "../../rules/types";
import { bytes, count, percent, seconds, times } from "../../rules/text";

/**
 * The alert rules the seeds name, with their threshold and duration: the spec. Thresholds
 * the seeds give in percent are ratios here; "Down" alerts compare with 0 and have none.
 */
const SEED_ALERTS: Record<string, { threshold?: number; for?: PromDuration; severity?: Severity }> =
  {
    // 001
    HighAPIErrorRate: { threshold: 0.01, for: "5m" },
    CriticalAPIErrorRate: { threshold: 0.05, for: "2m", severity: "critical" },
    SlowAPIResponse: { threshold: 0.5, for: "10m" },
    VerySlowAPIResponse: { threshold: 2, for: "5m" },
    HighAPIRequestRate: { threshold: 1000, for: "5m" },
    LowCreditBalance: { threshold: 100, for: "5m" },
    CriticalCreditBalance: { threshold: 10, for: "1m", severity: "critical" },
    HighCreditUsage: { threshold: 1000, for: "30m" },
    PaymentFailed: { threshold: 3, severity: "critical" },
    SubscriptionChurn: { threshold: 10 },
    LLMCostSpike: { threshold: 3, for: "15m" },
    HighAuthFailureRate: { threshold: 10, for: "5m" },
    RateLimitExceeded: { threshold: 100, for: "2m" },
    SuspiciousAPIKeyUsage: { threshold: 1000 },
    UnauthorizedAccessAttempts: { threshold: 50 },
    DatabaseConnectionPoolExhausted: { threshold: 2, for: "5m" },
    SlowDatabaseQueries: { threshold: 1, for: "10m" },
    HighMemoryUsage: { threshold: 2 * 1024 ** 3, for: "10m" },
    KeycloakDown: { for: "2m", severity: "critical" },
    RedisDown: { for: "2m", severity: "critical" },
    PostgreSQLDown: { for: "1m", severity: "critical" },
    LiteLLMProxyDown: { for: "5m", severity: "critical" },
    LowUserRegistrations: { threshold: 5 },
    LowActiveUsers: { threshold: 10 },
    HighFeatureAccessDenials: { threshold: 100, for: "30m" },
    WebhookDeliveryFailures: { threshold: 10 },
    // 003
    DatabaseDown: { for: "1m", severity: "critical" },
    HighErrorRate: { threshold: 0.05, for: "5m", severity: "critical" },
    IntegrationDown: { threshold: 0.5, for: "10m", severity: "critical" },
    QueueBacklog: { threshold: 20, for: "15m", severity: "warning" },
    SlowFRT: { threshold: 600, for: "15m", severity: "warning" },
    HighAgentLoad: { threshold: 8, for: "30m", severity: "warning" },
  };

const alerts = RULE_PACKS.flatMap(alertsOf);
const recordings = RULE_PACKS.flatMap((pack) =>
  pack.groups.flatMap((group) =>
    group.rules.filter((rule): rule is RecordingRule => !isAlert(rule)),
  ),
);

const recordedNames = new Set(recordings.map((rule) => rule.record));

describe("rule packs", () => {
  test("ship at least 50 alerting rules", () => {
    expect(alerts.length).toBeGreaterThanOrEqual(50);
  });

  test("alert names are unique across packs", () => {
    const names = alerts.map((alert) => alert.alert);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  test("pack names are unique", () => {
    const names = RULE_PACKS.map((pack) => pack.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(alerts.map((alert) => [alert.alert, alert] as const))(
    "%s has a severity, a summary and a description",
    (_name, alert) => {
      expect(["critical", "warning", "info"]).toContain(alert.severity);
      const { annotations } = renderAlert(alert);
      expect(annotations!.summary.trim()).not.toBe("");
      expect(annotations!.description.trim()).not.toBe("");
    },
  );

  test.each(Object.entries(SEED_ALERTS))(
    "seed alert %s exists with its threshold and duration",
    (name, spec) => {
      const alert = alerts.find((candidate) => candidate.alert === name);
      expect(alert).toBeDefined();
      expect(alert!.threshold).toBe(spec.threshold);
      expect(alert!.for).toBe(spec.for);
      if (spec.severity) expect(alert!.severity).toBe(spec.severity);
    },
  );

  test("every pack has promtool tests, and every seed alert is tested firing and quiet", () => {
    const cases = RULE_PACKS.flatMap((pack) => pack.tests.flatMap((test) => test.alerts));
    for (const pack of RULE_PACKS) expect(pack.tests.length).toBeGreaterThan(0);
    for (const name of Object.keys(SEED_ALERTS)) {
      const mine = cases.filter((check) => check.alertname === name);
      expect({ name, fires: mine.some((check) => check.expect.length > 0) }).toEqual({
        name,
        fires: true,
      });
      // Quiet: a case that expects no alert, just below the threshold or before `for`.
      const quiet = mine.some((check) => check.expect.length === 0);
      expect({ name, quiet }).toEqual({ name, quiet: true });
    }
  });

  test("every test case names an alert of its pack", () => {
    for (const pack of RULE_PACKS) {
      const names = new Set(alertsOf(pack).map((alert) => alert.alert));
      const unknown = pack.tests
        .flatMap((test) => test.alerts.map((check) => check.alertname))
        .filter((name) => !names.has(name));
      expect({ pack: pack.name, unknown }).toEqual({ pack: pack.name, unknown: [] });
    }
  });

  test("recording rules follow level:metric:operations and are defined once", () => {
    for (const rule of recordings) expect(rule.record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
    expect(recordedNames.size).toBe(recordings.length);
  });
});

const expressions = RULE_PACKS.flatMap((pack) =>
  pack.groups.flatMap((group) =>
    group.rules.map((rule) =>
      isAlert(rule)
        ? ([rule.alert, rule.expr(rule.threshold ?? 0)] as const)
        : ([rule.record, rule.expr] as const),
    ),
  ),
);

describe("rule expressions", () => {
  test.each(expressions)("%s parses", (_name, expr) => {
    expect(promqlSyntaxError(expr)).toBeUndefined();
  });

  test.each(expressions)("%s reads only catalog metrics and recorded series", (_name, expr) => {
    const names = metricNames(expr);
    expect(names.filter((name) => !CATALOG_SERIES.has(name) && !recordedNames.has(name))).toEqual(
      [],
    );
  });

  test("a recorded series an alert reads is recorded in the same pack", () => {
    // promtool tests load one pack's file, and Prometheus evaluates a group in order.
    for (const pack of RULE_PACKS) {
      const own = new Set(
        pack.groups.flatMap((group) =>
          group.rules.filter((rule): rule is RecordingRule => !isAlert(rule)).map((r) => r.record),
        ),
      );
      const borrowed = alertsOf(pack).flatMap((alert) =>
        metricNames(alert.expr(alert.threshold ?? 0)).filter(
          (name) => recordedNames.has(name) && !own.has(name),
        ),
      );
      expect({ pack: pack.name, borrowed }).toEqual({ pack: pack.name, borrowed: [] });
    }
  });
});

describe("rendering", () => {
  const broken: RulePack = {
    name: "broken",
    description: "A pack with a typo.",
    groups: [
      {
        name: "broken",
        rules: [
          {
            alert: "BrokenAlert",
            severity: "warning",
            threshold: 1,
            thresholdKind: "perSecond",
            expr: (threshold) => `sum(rate(http_requests_total[5m]) > ${threshold}`,
            summary: "Broken.",
            description: "Broken.",
          },
        ],
      },
    ],
    tests: [],
  };

  test("a broken expression throws RuleSyntaxError naming the rule", () => {
    expect(() => renderPack(broken)).toThrow(RuleSyntaxError);
    expect(() => renderPack(broken)).toThrow(/^rule BrokenAlert: PromQL syntax error at character/);
  });

  test("overrides change the rendered threshold, duration and severity", () => {
    const api = RULE_PACKS.find((pack) => pack.name === "api")!;
    const rendered = (overrides = {}) =>
      renderPack(api, overrides)
        .groups.flatMap((group) => group.rules)
        .find((rule) => "alert" in rule && rule.alert === "HighAPIErrorRate") as {
        expr: string;
        for?: string;
        labels: Record<string, string>;
      };
    expect(rendered().expr).toBe("service:http_request_errors:ratio_rate5m > 0.01");
    const overridden = rendered({
      HighAPIErrorRate: { threshold: 0.02, for: "10m", severity: "critical" },
    });
    expect(overridden.expr).toBe("service:http_request_errors:ratio_rate5m > 0.02");
    expect(overridden.for).toBe("10m");
    expect(overridden.labels.severity).toBe("critical");
    // A zero duration is Prometheus' own default: no `for` at all.
    expect(rendered({ HighAPIErrorRate: { for: "0s" } })).not.toHaveProperty("for");
  });

  test("annotations carry a runbook link by default and can be left out for tests", () => {
    const api = RULE_PACKS.find((pack) => pack.name === "api")!;
    const [first] = renderPack(api).groups[0].rules.filter((rule) => "alert" in rule) as {
      annotations?: Record<string, string>;
    }[];
    expect(first.annotations?.runbook_url).toBe(
      "https://runbooks.observability-stack.dev/alerts/highapierrorrate",
    );
    const [bare] = renderPack(api, {}, { annotations: false }).groups[0].rules.filter(
      (rule) => "alert" in rule,
    ) as { annotations?: unknown }[];
    expect(bare.annotations).toBeUndefined();
  });
});

describe("stack config", () => {
  test("overrides a threshold and disables a pack in the rendered rule files", () => {
    const settings = settingsFrom({
      environment: "dev",
      rules: {
        overrides: { HighAPIErrorRate: { threshold: 0.02, for: "10m" } },
        packs: { business: false },
      },
    });
    const files = ruleFiles(settings);
    expect(files.map((file) => file.name)).not.toContain("business.yml");
    expect(files.map((file) => file.name)).toContain("api.yml");
    const api = files.find((file) => file.name === "api.yml")!.content;
    expect(api).toContain(
      "expr: service:http_request_errors:ratio_rate5m > 0.02\n        for: 10m",
    );
  });

  test("an overridden threshold shows in the alert's summary", () => {
    const settings = settingsFrom({
      environment: "dev",
      rules: { overrides: { HighAPIErrorRate: { threshold: 0.02 } } },
    });
    const api = ruleFiles(settings).find((file) => file.name === "api.yml")!.content;
    expect(api).toContain(
      "summary: An API answers more than 2% of its requests with a server error.",
    );
    expect(api).not.toContain("more than 1% of its requests");
    // The family's critical level keeps its own threshold.
    expect(api).toContain(
      "summary: An API answers more than 5% of its requests with a server error.",
    );
  });

  test("rejects an override of an alert that does not exist", () => {
    expect(() =>
      settingsFrom({
        environment: "dev",
        rules: { overrides: { HighAPIErrorRates: { threshold: 0.02 } } },
      }),
    ).toThrow(/HighAPIErrorRates/);
  });
});

describe("alert text", () => {
  test("formats ratios as percentages", () => {
    expect(percent(0.01)).toBe("1%");
    expect(percent(0.025)).toBe("2.5%");
    expect(percent(0.07)).toBe("7%");
    expect(percent(1 - 0.9)).toBe("10%");
    expect(percent(0.5)).toBe("50%");
  });

  test("formats seconds in the largest unit that divides them", () => {
    expect(seconds(0.5)).toBe("500 ms");
    expect(seconds(0.05)).toBe("50 ms");
    expect(seconds(1)).toBe("1 second");
    expect(seconds(2)).toBe("2 seconds");
    expect(seconds(2.5)).toBe("2.5 seconds");
    expect(seconds(90)).toBe("90 seconds");
    expect(seconds(60)).toBe("1 minute");
    expect(seconds(600)).toBe("10 minutes");
    expect(seconds(3600)).toBe("1 hour");
    expect(seconds(24 * 3600)).toBe("24 hours");
  });

  test("formats counts, factors and bytes", () => {
    expect(count(1000)).toBe("1000");
    expect(count(0.1 + 0.2)).toBe("0.3");
    expect(times(1)).toBe("once");
    expect(times(2)).toBe("twice");
    expect(times(3)).toBe("3 times");
    expect(bytes(2 * 1024 ** 3)).toBe("2 GiB");
    expect(bytes(512)).toBe("512 B");
    expect(bytes(1536)).toBe("1.5 KiB");
    expect(bytes(3e9)).toBe("2.79 GiB");
  });

  /** Every way the packs write a threshold, as a whole word of the text. */
  const statesThreshold = (text: string, threshold: number) =>
    [count, percent, seconds, bytes, times]
      .map((format) => format(threshold))
      .filter((form) =>
        new RegExp(
          `(?<![\\w.])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w]|\\.\\d)`,
        ).test(text),
      );

  test.each(
    alerts
      .filter((alert) => alert.threshold !== undefined)
      .map((alert) => [alert.alert, alert] as const),
  )("%s states the threshold in force, or none", (_name, alert) => {
    const threshold = alert.threshold!;
    const text = (override = {}) => {
      const { summary, description } = renderAlert(alert, override).annotations!;
      return `${summary}\n${description}`;
    };
    if (text() !== text({ threshold: threshold * 2 })) return;
    // The text ignores the threshold, so it must not quote the default one either.
    expect(statesThreshold(text(), threshold)).toEqual([]);
  });
});

describe("the application registry", () => {
  test("builds every catalog metric with its kind, labels and buckets", async () => {
    const { registry } = createRegistry({ defaultMetrics: false });
    const built = new Map(
      (await registry.getMetricsAsJSON()).map((metric) => [metric.name, metric.type]),
    );
    const catalog = Object.values(application.APPLICATION_METRICS).flatMap((kind) =>
      Object.values(kind),
    );
    for (const metric of catalog) expect(built.get(metric.name)).toBe(metric.type);
    expect(built.size).toBe(catalog.length);
  });

  test("lists every application metric except the client's process metrics", () => {
    const listed = new Set(
      Object.values(application.APPLICATION_METRICS).flatMap((kind) => Object.values(kind)),
    );
    const unlisted = Object.values(application)
      .filter(isMetricDefinition)
      .filter((metric) => !listed.has(metric))
      .map((metric) => metric.name);
    expect(unlisted).toEqual(["process_resident_memory_bytes"]);
  });

  test("uses the seed's first response time buckets", () => {
    expect(application.firstResponseTimeSeconds.buckets).toEqual([
      30, 60, 120, 300, 600, 1800, 3600,
    ]);
  });

  test("gives every application metric a service label", () => {
    for (const metric of Object.values(application).filter(isMetricDefinition)) {
      expect({ metric: metric.name, service: metric.labelNames.includes("service") }).toEqual({
        metric: metric.name,
        service: true,
      });
    }
  });

  test("collects the process metrics HighMemoryUsage reads, with the service label", async () => {
    const { registry } = createRegistry({ service: "core-api" });
    const text = await registry.metrics();
    if (process.platform === "linux") {
      expect(text).toMatch(/^process_resident_memory_bytes\{service="core-api"\} \d+/m);
    }
    expect(text).toContain("# TYPE process_cpu_seconds_total counter");
  });

  test("sets the service label by default and records observations", async () => {
    const { registry, metrics } = createRegistry({ service: "core-api", defaultMetrics: false });
    metrics.conversationsActive.set({ team: "sales", status: "queued" }, 12);
    expect(await registry.metrics()).toContain(
      'conversations_active{team="sales",status="queued",service="core-api"} 12',
    );
  });
});

describe("every alert reads a job the stack scrapes", () => {
  /** Each `job="x"` matcher of a rendered rule file whose job the stack does not scrape. */
  const unscrapedJobs = (
    settings: ReturnType<typeof settingsFrom>,
    files = ruleFiles(settings),
  ) => {
    // The rendered prometheus.yml, read back as Prometheus reads it.
    const prometheusYml = yaml.load(toYaml(renderPrometheusConfig(settings, []))) as {
      scrape_configs: { job_name: string }[];
    };
    const scraped = new Set(prometheusYml.scrape_configs.map((job) => job.job_name));
    return files.flatMap((file) =>
      [...file.content.matchAll(/\bjob="([^"]+)"/g)]
        .map((match) => match[1])
        .filter((job) => !scraped.has(job))
        .map((job) => `${file.name}: job="${job}"`),
    );
  };
  const postgresqlJob = { job: POSTGRESQL_EXPORTER_JOB, targets: ["postgres-exporter:9187"] };

  test.each(STACKS)("%s: no rule names a job that its prometheus.yml lacks", (stack) => {
    expect(unscrapedJobs(stackSettings(stack))).toEqual([]);
  });

  test("DatabaseDown is rendered only where the PostgreSQL exporter's job is scraped", () => {
    const database = (settings: ReturnType<typeof settingsFrom>) =>
      ruleFiles(settings).find((file) => file.name === "database.yml")!.content;
    expect(database(settingsFrom({ environment: "dev" }))).not.toContain("DatabaseDown");
    const withExporter = settingsFrom({ environment: "dev", scrapeJobs: [postgresqlJob] });
    expect(database(withExporter)).toContain(
      `alert: DatabaseDown\n        expr: up{job="${POSTGRESQL_EXPORTER_JOB}"} == 0`,
    );
    expect(unscrapedJobs(withExporter)).toEqual([]);
    // The pack's own tests (promtool) still load every alert.
    expect(toYaml(renderPack(databasePack))).toContain("DatabaseDown");
  });

  test("the check can fail: the database pack rendered without the filter names a missing job", () => {
    const dev = settingsFrom({ environment: "dev" });
    const unfiltered = [{ name: "database.yml", content: toYaml(renderPack(databasePack)) }];
    expect(unscrapedJobs(dev, unfiltered)).toEqual([
      `database.yml: job="${POSTGRESQL_EXPORTER_JOB}"`,
    ]);
  });
});
