import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, STACKS } from "../support/settings";
import { runRender } from "../support/render-command";

const LAYOUT = [
  "prometheus/prometheus.yml",
  "alertmanager/alertmanager.yml",
  "grafana/provisioning/datasources/datasources.yml",
  "grafana/provisioning/dashboards/dashboards.yml",
  "loki/loki.yml",
  "otel-collector/config.yml",
  "jaeger/sampling.json",
  "manifest.json",
];

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
}

describe("npm run render", () => {
  test.each(STACKS)("writes the documented layout for %s", (stack) => {
    const out = tempDir();
    const result = runRender(PROJECT_DIR, ["--stack", stack, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    for (const file of LAYOUT) expect(fs.existsSync(path.join(out, file))).toBe(true);
    expect(fs.readdirSync(path.join(out, "prometheus/rules")).length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(out, "grafana/dashboards")).length).toBeGreaterThan(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.environment).toBe(stack);
    expect(Object.keys(manifest.components)).toHaveLength(8);
    expect(manifest.components.prometheus.resources.limits.memory).toMatch(/Mi|Gi/);
  });

  test("bad config exits non-zero with every problem and writes nothing", () => {
    const out = tempDir();
    fs.rmSync(out, { recursive: true });
    const result = runRender(path.join(PROJECT_DIR, "test/fixtures/bad-config"), [
      "--stack",
      "broken",
      "--out",
      out,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Stack "broken" has 3 config problems; nothing was created');
    expect(result.stderr).toContain("observability-stack:sampling.ratio = 4");
    expect(result.stderr).toContain('observability-stack:retention.metrics = "-1d"');
    expect(result.stderr).toContain(
      'observability-stack:components.loki.resources.limits.memory = "a lot"',
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test("an unknown stack names the stacks that exist", () => {
    const result = runRender(PROJECT_DIR, ["--stack", "qa"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /no stack file .*Pulumi\.qa\.yaml; stacks here: dev, e2e, k8s-e2e, prod, staging/,
    );
  });

  test("secrets appear as placeholders, never as their (encrypted) text", () => {
    const out = tempDir();
    const result = runRender(path.join(PROJECT_DIR, "test/fixtures/secrets"), [
      "--stack",
      "secrets",
      "--out",
      out,
    ]);
    expect(result.status).toBe(0);
    const manifest = fs.readFileSync(path.join(out, "manifest.json"), "utf8");
    expect(manifest).toContain('"SENTRY_DSN": "<secret:sentryDsn>"');
    const everything = LAYOUT.map((file) => fs.readFileSync(path.join(out, file), "utf8")).join(
      "\n",
    );
    expect(everything).not.toContain("v1:encrypted");
    expect(everything).toContain("/etc/alertmanager/secrets/slackWebhookUrl");
  });
});
