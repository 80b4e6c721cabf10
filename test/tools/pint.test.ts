import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { freePort, Program, waitForHttp } from "../support/programs";
import {
  describeProblems,
  PINT_CONFIG,
  pintLint,
  RULES_DIR,
  writeStackRules,
} from "../support/pint";
import { PROJECT_DIR, stackSettings } from "../support/settings";
import { run, scratchDir, tool } from "../support/tools";

/** Every stack of the project (Pulumi.<stack>.yaml), the e2e stacks too. */
const STACKS = fs
  .readdirSync(PROJECT_DIR)
  .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();
/** pint's checks that query a server (OnlineChecks in its internal/checks/base.go): `--offline` turns them off. */
const ONLINE_CHECKS = [
  "alerts/absent",
  "alerts/count",
  "alerts/external_labels",
  "labels/conflict",
  "promql/counter",
  "promql/features",
  "promql/offset",
  "promql/range_query",
  "promql/rate",
  "promql/series",
  "promql/vector_matching",
  "query/cost",
  "rule/link",
];
const pintVersion = run(tool("pint"), ["version"]).output.trim();
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function renderedRules(stack: string): string {
  const dir = scratchDir(`pint-${stack}`);
  dirs.push(dir);
  writeStackRules(stackSettings(stack), dir);
  return dir;
}

/** How many rules the rendered files hold, counted from the YAML. */
function ruleCount(dir: string): number {
  return fs
    .readdirSync(path.join(dir, RULES_DIR))
    .map((file) => yaml.load(fs.readFileSync(path.join(dir, RULES_DIR, file), "utf8")) as any)
    .reduce((sum, doc) => sum + doc.groups.reduce((n: number, g: any) => n + g.rules.length, 0), 0);
}

describe(`pint ${pintVersion} offline, with rules/pint.hcl`, () => {
  it.each(STACKS)("%s: no problem of any severity in the rendered rules", (stack) => {
    const dir = renderedRules(stack);
    const report = pintLint(dir);
    expect(describeProblems(report.problems)).toEqual([]);
    expect(report.status).toBe(0);
    // pint read every rule: its log counts the entries it checked.
    expect(report.output).toMatch(new RegExp(`entries=${ruleCount(dir)}\\b`));
    expect(report.output).toContain("online=false");
  });

  it("finds what the reviewed config requires: a severity Alertmanager knows, a summary, a recording rule name", () => {
    const dir = renderedRules("prod");
    const file = path.join(dir, RULES_DIR, "api.yml");
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as any;
    const rules = doc.groups[0].rules as any[];
    const alert = rules.find((rule) => rule.alert === "HighAPIErrorRate");
    alert.labels.severity = "page";
    delete alert.annotations.summary;
    rules.find((rule) => rule.record === "service:http_requests:rate5m").record =
      "service_http_requests_rate5m";
    fs.writeFileSync(file, yaml.dump(doc, { lineWidth: -1 }));
    const report = pintLint(dir);
    expect(report.status).not.toBe(0);
    expect(report.problems.map((p) => p.reporter).sort()).toEqual([
      "alerts/annotation",
      "rule/label",
      "rule/name",
    ]);
  });

  it("reports each problem with its rule and explanation: a PromQL syntax error, a file-level one", () => {
    const dir = scratchDir("pint-broken");
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, RULES_DIR), { recursive: true });
    const alert = {
      alert: "Broken",
      expr: "sum(rate(http_requests_total[5m]) by",
      labels: { severity: "warning" },
      annotations: {
        summary: "s",
        description: "d",
        runbook_url: "https://runbooks.observability-stack.dev/alerts/broken",
      },
    };
    const write = (file: string, groups: unknown[]) =>
      fs.writeFileSync(path.join(dir, RULES_DIR, file), yaml.dump({ groups }));
    write("broken.yml", [{ name: "broken", rules: [alert] }]);
    write("twice.yml", [
      { name: "twice", rules: [] },
      { name: "twice", rules: [] },
    ]);
    const report = pintLint(dir);
    expect(report.status).not.toBe(0);
    expect(
      report.problems.map(({ severity, reporter, rule, message }) => ({
        severity,
        reporter,
        rule,
        message,
      })),
    ).toEqual([
      {
        severity: "Fatal",
        reporter: "promql/syntax",
        rule: "Broken",
        message: "unclosed left parenthesis",
      },
      { severity: "Fatal", reporter: "yaml/parse", rule: "", message: "duplicated group name" },
    ]);
  });

  it("still finds every finding the config accepts offline (no stale acceptance)", () => {
    const config = fs.readFileSync(PINT_CONFIG, "utf8");
    // Blocks that accept a finding: a rule block with a `disable` list.
    const accepted = [...config.matchAll(/^rule \{\n[\s\S]*?^\}\n?/gm)]
      .map((match) => match[0])
      .filter((block) => /\bdisable\s*=/.test(block));
    expect(accepted.length).toBeGreaterThan(0);
    const expected = accepted.flatMap((block) => {
      // The rule names the block matches (a regexp, as pint reads it); any rule without one.
      const name = /name\s*=\s*"([^"]+)"/.exec(block)?.[1] ?? ".+";
      const checks = JSON.parse(/disable\s*=\s*(\[[^\]]*\])/.exec(block)![1]) as string[];
      // Findings of the online checks only appear against a Prometheus: the e2e judges those.
      return checks
        .filter((check) => !ONLINE_CHECKS.includes(check))
        .map((check) => ({ check, name }));
    });
    const dir = renderedRules("prod");
    const stripped = path.join(dir, "pint-without-acceptances.hcl");
    fs.writeFileSync(
      stripped,
      accepted.reduce((text, block) => text.replace(block, ""), config),
    );
    const result = run(
      tool("pint"),
      ["--no-color", "--offline", `--config=${stripped}`, "lint", "--min-severity=info", RULES_DIR],
      dir,
    );
    for (const { check, name } of expected) {
      expect(result.output).toMatch(new RegExp(`\\(${check}\\)\\n.*-> \`(?:${name})\``));
    }
  });
});

describe(`pint ${pintVersion} online, against a real Prometheus`, () => {
  let prometheus: Program;
  let url: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = scratchDir("pint-prometheus");
    dirs.push(dataDir);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = path.join(dataDir, "prometheus.yml");
    fs.writeFileSync(
      config,
      yaml.dump({
        global: { scrape_interval: "1s" },
        scrape_configs: [
          { job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
        ],
      }),
    );
    prometheus = new Program(tool("prometheus"), [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dataDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitForHttp(prometheus, `${url}/-/ready`, 60_000);
    // A few scrapes, so prometheus_build_info (pint's uptime series) has samples.
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }, 90_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  it("queries it: metrics this Prometheus has are found, the application's are reported missing", () => {
    const report = pintLint(renderedRules("prod"), { prometheusUrl: url });
    const bugs = report.problems.filter(
      (p) => p.reporter === "promql/series" && p.severity === "Bug",
    );
    const missing = bugs.map((p) => /series for the `([^`]+)` metric/.exec(p.message)?.[1]);
    // No application runs here: pint asked this Prometheus and found no http_requests_total
    // for the recording rule that reads it.
    const recording = report.problems.find((p) => p.rule === "service:http_requests:rate5m")!;
    expect(recording.message).toContain(`Prometheus server at ${url} didn't have any series`);
    expect(missing).toContain("http_requests_total");
    // Prometheus' own metrics exist here, so rules on them are not reported missing.
    expect(missing).not.toContain("prometheus_config_last_reload_successful");
    expect(missing).not.toContain("prometheus_tsdb_compactions_failed_total");
    // Every other finding is about a label value this Prometheus has no series for (a job
    // that only the stack's scrape config creates): pint read each series it asked for.
    const unexplained = bugs.filter(
      (p, i) =>
        missing[i] === undefined &&
        !/has the `\w+` metric with the `\w+` label but there are no series matching/.test(
          p.message,
        ),
    );
    expect(unexplained).toEqual([]);
    expect(report.output).toContain("online=true");
    expect(report.status).not.toBe(0);
    console.log(
      `pint online against a Prometheus without the stack: ${report.problems.length} problems, ${new Set(missing).size} metrics missing`,
    );
  }, 120_000);
});
