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
    // Every enabled component: kube-state-metrics runs on the Kubernetes target only.
    expect(Object.keys(manifest.components)).toHaveLength(stack === "dev" ? 8 : 9);
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

describe("npm run render --out: only its own output is ever deleted", () => {
  /** Every file below dir, relative to it, sorted. */
  function filesBelow(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
      .sort();
  }

  test("a non-empty directory render did not write is refused, and its files survive", () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, "notes.txt"), "mine");
    fs.mkdirSync(path.join(out, "src"));
    fs.writeFileSync(path.join(out, "src/main.ts"), "export {};");
    const result = runRender(PROJECT_DIR, ["--stack", "dev", "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `render failed: --out ${out} holds 2 entries that npm run render did not write (no .observability-stack-render in it); render clears only its own output, so nothing was deleted or written`,
    );
    expect(filesBelow(out)).toEqual(["notes.txt", "src/main.ts"]);
    expect(fs.readFileSync(path.join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  test("--out . in a project directory is refused and deletes nothing", () => {
    // A scratch copy of a project: the stack file, and files that must survive.
    const project = tempDir();
    fs.copyFileSync(
      path.join(PROJECT_DIR, "Pulumi.dev.yaml"),
      path.join(project, "Pulumi.dev.yaml"),
    );
    fs.writeFileSync(path.join(project, "package.json"), "{}");
    const result = runRender(project, ["--stack", "dev", "--out", "."]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("that npm run render did not write");
    expect(filesBelow(project)).toEqual(["Pulumi.dev.yaml", "package.json"]);
  });

  test("a file given as --out is refused and kept", () => {
    const out = path.join(tempDir(), "a-file");
    fs.writeFileSync(out, "keep");
    const result = runRender(PROJECT_DIR, ["--stack", "dev", "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`--out ${out} is a file, not a directory`);
    expect(fs.readFileSync(out, "utf8")).toBe("keep");
  });

  test("an empty existing directory is used, and marked as render's own", () => {
    const out = tempDir();
    const result = runRender(PROJECT_DIR, ["--stack", "dev", "--out", out]);
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(out, "manifest.json"))).toBe(true);
    expect(fs.readFileSync(path.join(out, ".observability-stack-render"), "utf8")).toContain(
      "npm run render -- --stack dev",
    );
  });

  test("a second render into its own directory replaces everything in it", () => {
    const out = path.join(tempDir(), "new", "nested");
    expect(runRender(PROJECT_DIR, ["--stack", "dev", "--out", out]).status).toBe(0);
    const devFiles = filesBelow(out);
    expect(devFiles).toContain(".observability-stack-render");
    fs.writeFileSync(path.join(out, "left-over.txt"), "from before");
    const again = runRender(PROJECT_DIR, ["--stack", "staging", "--out", out]);
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
    expect(fs.existsSync(path.join(out, "left-over.txt"))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).environment).toBe(
      "staging",
    );
    expect(filesBelow(out)).toContain(".observability-stack-render");
  });
});
