import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { stackSettings } from "../support/settings";
import { DemoService, startDemoService } from "../e2e/demo-service";
import { sendTelemetry } from "../e2e/demo-activity";
import { Exporters, startExporters } from "../support/exporters";
import {
  formatReport,
  judgeMetrics,
  judgePanels,
  judgePint,
  judgeRuleGroups,
} from "../support/judgement";
import { RULES_DIR } from "../support/pint";
import { renderSettingsTo } from "../support/programs";

/**
 * The live judgement's functions against a real Prometheus, without Docker: the pinned
 * exporters of the stack (test/support/exporters.ts; the error tracker's probe left out, as
 * in the pipeline e2e) and the demo service with its activity on every application metric,
 * scraped with the e2e stack's rendered rules loaded. The figures are printed; each
 * judgement is also shown to fail on a broken case. The Docker e2e (test/e2e/pipeline.test.ts)
 * judges the deployed stack itself.
 */
const settings = stackSettings("e2e");
const DEMO_JOB = "demo";
let exporters: Exporters;
let demo: DemoService;
let renderDir: string;
let telemetry: NodeJS.Timeout;
const brokenDir = fs.mkdtempSync(path.join(os.tmpdir(), "judgement-broken-"));
const BROKEN_GROUP = {
  file: "broken.yml",
  name: "broken",
  // `up` has one series per job: a one-to-one match on no labels fails at evaluation.
  rules: [{ record: "job:broken:sum", expr: "up + on() up" }],
};

beforeAll(async () => {
  renderDir = renderSettingsTo(settings, "judgement");
  fs.writeFileSync(
    path.join(brokenDir, BROKEN_GROUP.file),
    yaml.dump({ groups: [{ name: BROKEN_GROUP.name, rules: BROKEN_GROUP.rules }] }),
  );
  const ruleFiles = [
    ...fs
      .readdirSync(path.join(renderDir, RULES_DIR))
      .map((file) => path.join(renderDir, RULES_DIR, file)),
    path.join(brokenDir, BROKEN_GROUP.file),
  ];
  demo = await startDemoService({
    service: "judgement-demo",
    activity: true,
    metricPrefix: settings.applicationMetrics.prefix,
  });
  exporters = await startExporters({
    settings,
    renderDir,
    ruleFiles,
    probe: false,
    extraTargets: [{ job: DEMO_JOB, target: `127.0.0.1:${demo.port}` }],
  });
  telemetry = setInterval(() => {
    sendTelemetry(exporters.otlpHttp.otelCollector, "judgement-demo").catch(() => undefined);
  }, 2000);
  // Enough scrapes for 5-minute rates (5 s apart) and Grafana's 1-minute $__rate_interval.
  await new Promise((resolve) => setTimeout(resolve, 90_000));
}, 300_000);

afterAll(async () => {
  clearInterval(telemetry);
  await exporters?.stop();
  await demo?.close();
  for (const dir of [renderDir, brokenDir])
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the live judgement against a real Prometheus and the pinned exporters", () => {
  test("metrics: reported N of M; without the exemptions Loki's are missing; a stale exemption fails", async () => {
    const report = await judgeMetrics(exporters.prometheusUrl, settings, {
      applicationJobs: [DEMO_JOB],
    });
    console.log(formatReport(report));
    expect(report.figures.used).toBeGreaterThan(100);
    expect(report.failures).toEqual([]);
    const bare = await judgeMetrics(exporters.prometheusUrl, settings, {
      applicationJobs: [DEMO_JOB],
      exemptions: [
        { metrics: ["no_such_metric_total"], kind: "not-run", reason: "a test of staleness" },
      ],
    });
    expect(bare.failures).toContainEqual(
      expect.stringMatching(/^loki_panic_total\{job.*"loki"\}: no series/),
    );
    expect(bare.failures).toContainEqual(
      expect.stringMatching(/^stale exemption .*no_such_metric_total/),
    );
  });

  test("rule groups: every group of the stack loaded and ok; one that fails at evaluation is reported", async () => {
    const report = await judgeRuleGroups(exporters.prometheusUrl, settings);
    console.log(formatReport(report));
    expect(report.figures.total).toBeGreaterThan(10);
    expect(report.failures).toEqual([]);
    expect(report.lines).toContainEqual(expect.stringContaining("broken"));
    const broken = await judgeRuleGroups(exporters.prometheusUrl, settings, [
      BROKEN_GROUP,
      { file: "absent.yml", name: "absent", rules: [] },
    ]);
    expect(broken.failures).toEqual([
      expect.stringMatching(
        /^group broken \(broken\.yml\): job:broken:sum: health err, lastError .*many-to-many/,
      ),
      "group absent (absent.yml): not loaded by Prometheus",
    ]);
  });

  test("panels: reported with data / total; without exemptions Loki's panels fail; a stale panel exemption fails", async () => {
    const report = await judgePanels(exporters.prometheusUrl, settings);
    console.log(formatReport(report));
    expect(report.figures.total).toBeGreaterThan(100);
    expect(report.failures).toEqual([]);
    const bare = await judgePanels(exporters.prometheusUrl, settings, {
      metricExemptions: [],
      panelExemptions: [{ dashboard: "stack-prometheus", panel: "no such panel", reason: "test" }],
    });
    expect(bare.failures).toContainEqual(expect.stringMatching(/^stack-loki\/".*": no series/));
    expect(bare.failures).toContainEqual(
      expect.stringMatching(/^stale panel exemption: stack-prometheus/),
    );
  });

  test("pint online: runs against this Prometheus and reports what it finds", () => {
    const report = judgePint(exporters.prometheusUrl, settings);
    console.log(formatReport(report));
    expect(report.failures).not.toContain("pint did not run online");
    // cAdvisor runs here without any Docker container, so its container series come and go
    // with short-lived cgroups: the e2e judges those on the stack's containers.
    expect(report.failures.filter((f) => !f.includes("rules/containers.yml"))).toEqual([]);
    // pint finding a missing metric online is tested in test/tools/pint.test.ts.
  });
});
