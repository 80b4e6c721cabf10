import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Counter, Gauge, Histogram } from "prom-client";
import { APPLICATION_METRICS } from "../../metrics/application";
import { createRegistry } from "../../metrics/registry";
import { RULE_PACKS } from "../../rules/packs";
import { toYaml } from "../../components/yaml";
import { renderPackTests } from "../../rules/render";
import { promtool, writePack } from "../support/promtool";
import { scratchDir, tool, version } from "../support/tools";

/** The test groups promtool reports in its JUnit output, and how many failed. */
function junitCounts(file: string): { tests: number; failures: number } {
  const xml = fs.readFileSync(file, "utf8");
  const sum = (attribute: string) =>
    [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${attribute}="(\\d+)"`, "g"))].reduce(
      (total, match) => total + Number(match[1]),
      0,
    );
  return { tests: sum("tests"), failures: sum("failures") };
}

/** The packs as rendered without a prefix and under the seeds' `ops_center_`. */
const PREFIXES = [
  ["the catalog's names", ""],
  ["applicationMetrics.prefix ops_center_", "ops_center_"],
] as const;

describe.each(PREFIXES)(`rule packs with ${version(tool("promtool"))}, %s`, (_title, prefix) => {
  const packDir = scratchDir(`rules-${prefix || "unprefixed"}`);
  afterAll(() => fs.rmSync(packDir, { recursive: true, force: true }));
  const rendered = RULE_PACKS.map((pack) => ({
    pack,
    files: writePack(packDir, pack, {}, { metricPrefix: prefix }),
  }));
  let groupsRun = 0;

  it.each(rendered.map(({ pack, files }) => [pack.name, files] as const))(
    "%s: promtool check rules accepts the rule file",
    (_name, files) => {
      const result = promtool(["check", "rules", files.ruleFile]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    },
  );

  it.each(rendered.map(({ pack, files }) => [pack.name, pack, files] as const))(
    "%s: promtool test rules runs every test group and passes",
    (name, pack, files) => {
      const junit = path.join(packDir, `${name}.junit.xml`);
      const result = promtool(
        ["test", "rules", `--junit=${junit}`, path.basename(files.testFile)],
        packDir,
      );
      if (result.status !== 0) console.log(result.output);
      expect(result.status).toBe(0);
      const counts = junitCounts(junit);
      expect(counts).toEqual({ tests: pack.tests.length, failures: 0 });
      groupsRun += counts.tests;
    },
  );

  afterAll(() => {
    console.log(
      `promtool ran ${groupsRun} test groups from ${RULE_PACKS.length} packs (prefix: ${prefix || "none"})`,
    );
  });

  it("has test groups in every pack", () => {
    for (const pack of RULE_PACKS) expect(pack.tests.length).toBeGreaterThan(0);
  });
});

describe("the promtool tests can fail", () => {
  const brokenDir = scratchDir("rules-broken");
  afterAll(() => fs.rmSync(brokenDir, { recursive: true, force: true }));

  it("rejects a pack whose threshold no longer matches its tests", () => {
    const pack = RULE_PACKS.find((candidate) => candidate.name === "api")!;
    // At 10%, HighAPIErrorRate no longer fires for services failing 4.8% and 10% of their
    // requests: both test groups that expect it fail.
    const files = writePack(brokenDir, pack, { HighAPIErrorRate: { threshold: 0.1 } });
    const junit = path.join(brokenDir, "api.junit.xml");
    const result = promtool(
      ["test", "rules", `--junit=${junit}`, path.basename(files.testFile)],
      brokenDir,
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("alertname: HighAPIErrorRate, time: 10m");
    expect(junitCounts(junit)).toEqual({ tests: pack.tests.length, failures: 2 });
  });
});

describe("the prefix must reach the tests' series too", () => {
  const brokenDir = scratchDir("rules-prefix-broken");
  afterAll(() => fs.rmSync(brokenDir, { recursive: true, force: true }));

  it("fails the api pack's tests when the rules are prefixed and the input series are not", () => {
    const pack = RULE_PACKS.find((candidate) => candidate.name === "api")!;
    const files = writePack(brokenDir, pack, {}, { metricPrefix: "ops_center_" });
    // The services of the test expose the catalog's names, the rules read the prefixed ones:
    // no application alert of the pack can fire.
    fs.writeFileSync(
      files.testFile,
      toYaml(renderPackTests(pack, path.basename(files.testRuleFile))),
    );
    const junit = path.join(brokenDir, "api.junit.xml");
    const result = promtool(
      ["test", "rules", `--junit=${junit}`, path.basename(files.testFile)],
      brokenDir,
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("alertname: HighAPIErrorRate");
    expect(junitCounts(junit).failures).toBeGreaterThan(0);
  });
});

describe("the application registry", () => {
  it.each(PREFIXES)(
    "passes promtool check metrics with a value in every metric, %s",
    async (_title, prefix) => {
      const { registry, metrics } = createRegistry({
        service: "billing-api",
        defaultMetrics: false,
        prefix,
      });
      const labels = (names: readonly string[]) =>
        Object.fromEntries(names.filter((name) => name !== "service").map((name) => [name, "x"]));
      const { counters, gauges, histograms } = APPLICATION_METRICS;
      for (const [key, metric] of Object.entries(counters)) {
        (metrics[key as keyof typeof counters] as Counter<string>).inc(labels(metric.labelNames));
      }
      for (const [key, metric] of Object.entries(gauges)) {
        (metrics[key as keyof typeof gauges] as Gauge<string>).set(labels(metric.labelNames), 3);
      }
      for (const [key, metric] of Object.entries(histograms)) {
        (metrics[key as keyof typeof histograms] as Histogram<string>).observe(
          labels(metric.labelNames),
          (metric.buckets ?? [1])[2],
        );
      }
      metrics.httpRequestsTotal.inc({ method: "GET", route: "/v1/credits", status_code: "200" });
      metrics.firstResponseTimeSeconds.observe({ team: "sales" }, 95);
      const exposition = await registry.metrics();
      expect(exposition).toContain(
        `\n${prefix}http_requests_total{method="GET",route="/v1/credits",status_code="200",service="billing-api"} 1`,
      );
      expect(exposition).toContain(
        `\n${prefix}first_response_time_seconds_bucket{le="120",service="billing-api",team="sales"} 1`,
      );
      // prom-client's own Node.js metrics are left out: three of its gauges end in `_total`,
      // which promtool's linter rejects. Ours must pass it.
      const check = spawnSync(tool("promtool"), ["check", "metrics"], {
        input: exposition,
        encoding: "utf8",
      });
      expect(`${check.stdout}${check.stderr}`).toBe("");
      expect(check.status).toBe(0);
    },
  );
});
