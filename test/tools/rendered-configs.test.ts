import * as fs from "fs";
import * as path from "path";
import versions from "../../versions.json";
import { renderStack } from "../../components/render";
import { run, scratchDir, tool, version } from "../support/tools";
import { settingsFrom, STACKS, stackSettings } from "../support/settings";

/** Writes a stack's rendered files where the validators can read them. */
function renderTo(stack: string, settings = stackSettings(stack)): string {
  const dir = scratchDir(`render-${stack}`);
  for (const file of renderStack(settings)) {
    fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  return dir;
}

describe("validators run at the versions the stack deploys", () => {
  test("promtool is Prometheus " + versions.components.prometheus, () => {
    expect(version(tool("promtool"))).toContain(`version ${versions.components.prometheus}`);
  });
  test("amtool is Alertmanager " + versions.components.alertmanager, () => {
    expect(version(tool("amtool"))).toContain(`version ${versions.components.alertmanager}`);
  });
});

describe.each(STACKS)("rendered configs of the %s stack", (stack) => {
  const dir = renderTo(stack);

  test("promtool check config accepts prometheus.yml", () => {
    // Rule files live at their container paths; they are checked on their own below.
    const result = run(tool("promtool"), [
      "check",
      "config",
      "--syntax-only",
      path.join(dir, "prometheus/prometheus.yml"),
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  test("promtool check rules accepts every rule file", () => {
    const rulesDir = path.join(dir, "prometheus/rules");
    const files = fs.readdirSync(rulesDir).map((name) => path.join(rulesDir, name));
    expect(files.length).toBeGreaterThan(0);
    const result = run(tool("promtool"), ["check", "rules", ...files]);
    expect(result.output).not.toContain("FAILED");
    expect(result.status).toBe(0);
  });

  test("amtool check-config accepts alertmanager.yml", () => {
    const result = run(tool("amtool"), [
      "check-config",
      path.join(dir, "alertmanager/alertmanager.yml"),
    ]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});

test("promtool check rules accepts the rule files of a stack with applicationMetrics.prefix", () => {
  const settings = settingsFrom({
    environment: "prod",
    applicationMetrics: { prefix: "ops_center_" },
  });
  const rulesDir = path.join(renderTo("prefixed", settings), "prometheus/rules");
  const files = fs.readdirSync(rulesDir).map((name) => path.join(rulesDir, name));
  expect(files).toHaveLength(settings.rules.packs.length);
  const api = fs.readFileSync(path.join(rulesDir, "api.yml"), "utf8");
  expect(api).toContain("rate(ops_center_http_requests_total[5m])");
  const result = run(tool("promtool"), ["check", "rules", ...files]);
  expect(result.output).not.toContain("FAILED");
  expect(result.status).toBe(0);
});

test("promtool accepts the scrape jobs of the user's own services", () => {
  const settings = settingsFrom({
    environment: "dev",
    scrapeJobs: [
      { job: "api", targets: ["api:8000", "10.0.0.7:8000"], metricsPath: "/internal/metrics" },
      // Underscores, as Docker names containers; query parameters in params.
      {
        job: "exporter",
        targets: ["my_project_exporter_1:9115"],
        metricsPath: "/probe",
        params: { module: ["http_2xx"], target: ["https://example.com"] },
      },
    ],
  });
  const file = renderStack(settings).find((f) => f.path === "prometheus/prometheus.yml")!;
  expect(file.content).toContain("job_name: api");
  expect(file.content).toMatch(/params:\n\s+module:\n\s+- http_2xx\n/);
  const dir = scratchDir("scrape-jobs");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), file.content);
  const result = run(tool("promtool"), [
    "check",
    "config",
    "--syntax-only",
    path.join(dir, "prometheus.yml"),
  ]);
  expect(result.status).toBe(0);
});

describe("the validators can fail", () => {
  test("promtool rejects a config with an unknown key", () => {
    const dir = scratchDir("broken");
    const file = path.join(dir, "prometheus.yml");
    fs.writeFileSync(file, "global:\n  scrape_intervall: 15s\n");
    expect(run(tool("promtool"), ["check", "config", "--syntax-only", file]).status).not.toBe(0);
  });
  test("promtool rejects params that are not lists of values", () => {
    const dir = scratchDir("broken");
    const file = path.join(dir, "prometheus.yml");
    fs.writeFileSync(
      file,
      "scrape_configs:\n  - job_name: x\n    params:\n      module: http_2xx\n    static_configs:\n      - targets: [x:1]\n",
    );
    expect(run(tool("promtool"), ["check", "config", "--syntax-only", file]).status).not.toBe(0);
  });
  test("amtool rejects a route to a receiver that does not exist", () => {
    const dir = scratchDir("broken");
    const file = path.join(dir, "alertmanager.yml");
    fs.writeFileSync(file, "route:\n  receiver: nobody\nreceivers:\n  - name: someone\n");
    expect(run(tool("amtool"), ["check-config", file]).status).not.toBe(0);
  });
});
