import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DiffReport, ItemChange, StackDiff } from "../../diff/compare";
import { routeReceivers } from "../../diff/extract";
import { COMMENT_MARKER, toMarkdown } from "../../diff/format";
import { runPreview, summarizePreview } from "../../diff/preview";
import { PROJECT_DIR } from "../support/settings";

/**
 * `npm run diff` on a scratch repository: a copy of this project committed as the base, then
 * a commit that changes a stack file, a rule pack and a dashboard. The stack `review` exists
 * only here: its components have explicit limits, so its budget use is known exactly.
 */
const REVIEW_BASE = `config:
  observability-stack:environment: dev
  observability-stack:target: docker
  observability-stack:components:
    prometheus: { resources: { limits: { memory: 512Mi, cpu: 500m } } }
    alertmanager: { resources: { limits: { memory: 128Mi, cpu: 100m } } }
    grafana: { resources: { limits: { memory: 256Mi, cpu: 200m } } }
    loki: { resources: { limits: { memory: 256Mi, cpu: 200m } } }
    nodeExporter: { resources: { limits: { memory: 64Mi, cpu: 100m } } }
    jaeger: { enabled: false }
    otelCollector: { enabled: false }
    cadvisor: { enabled: false }
`;

// 1216Mi of dev's 1536Mi (79.2 %) becomes 1404Mi (91.4 %): above the warning line.
const REVIEW_HEAD = `config:
  observability-stack:environment: dev
  observability-stack:target: docker
  observability-stack:retention: { metrics: 7d }
  observability-stack:rules:
    overrides: { HighAPIErrorRate: { threshold: 0.02 } }
  observability-stack:components:
    prometheus: { resources: { limits: { memory: 700Mi, cpu: 500m } } }
    alertmanager: { resources: { limits: { memory: 128Mi, cpu: 100m } } }
    grafana: { resources: { limits: { memory: 256Mi, cpu: 200m } } }
    loki: { image: { tag: 9.9.9 }, resources: { limits: { memory: 256Mi, cpu: 200m } } }
    nodeExporter: { resources: { limits: { memory: 64Mi, cpu: 100m } } }
    jaeger: { enabled: false }
    otelCollector: { enabled: false }
    cadvisor: { enabled: false }
`;

const NEW_ALERT = `        {
          alert: "APIReviewCanary",
          severity: "critical",
          for: "10m",
          threshold: 0.5,
          expr: (threshold) => \`\${sel(serviceErrorRatio)} > \${threshold}\`,
          summary: "Half of an API's requests fail.",
          description: "A rule added by the diff test.",
        },
`;

function sh(cwd: string, command: string, args: string[]): string {
  return execFileSync(command, args, { cwd, encoding: "utf8" });
}

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

/** This project's files in a new repository with one commit; node_modules linked, not copied. */
function scratchRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diff-test-"));
  const files = sh(PROJECT_DIR, "git", ["ls-files", "--cached", "--others", "--exclude-standard"])
    .split("\n")
    .filter((file) => file && fs.existsSync(path.join(PROJECT_DIR, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "Pulumi.review.yaml"), REVIEW_BASE);
  sh(dir, "git", ["init", "-q", "-b", "main"]);
  fs.appendFileSync(path.join(dir, ".git/info/exclude"), "node_modules\n");
  sh(dir, "git", ["add", "-A"]);
  sh(dir, "git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base"]);
  return dir;
}

function diff(cwd: string, args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(cwd, "scripts/diff.ts"), ...args],
    {
      cwd,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(cwd, "tsconfig.json") },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stack(report: DiffReport, name: string): StackDiff {
  const found = report.stacks.find((entry) => entry.stack === name);
  if (!found) throw new Error(`no stack ${name} in the report`);
  return found;
}

function change(diffOf: StackDiff, section: string, key: string): ItemChange {
  const found = diffOf.sections
    .find((entry) => entry.name === section)
    ?.changes.find((entry) => entry.key === key);
  if (!found) throw new Error(`no change of ${key} in ${section} of ${diffOf.stack}`);
  return found;
}

function field(item: ItemChange, name: string) {
  const found = item.fields.find((entry) => entry.field === name);
  if (!found) throw new Error(`no field ${name} in ${item.key}: ${JSON.stringify(item.fields)}`);
  return found;
}

describe("npm run diff", () => {
  let repo: string;

  beforeAll(() => {
    repo = scratchRepository();
  });

  afterAll(() => {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  test("an unchanged tree says so in one line, for every stack", () => {
    const result = diff(repo, ["--base", "HEAD"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toEqual([COMMENT_MARKER, expect.stringMatching(/^No changes: dev, e2e, /)]);
    expect(lines[1]).toContain("review");
  });

  test("bad arguments and unknown refs exit non-zero", () => {
    expect(diff(repo, []).status).toBe(2);
    expect(diff(repo, ["--base", "HEAD", "--format", "html"]).stderr).toContain(
      "--format must be markdown or json",
    );
    expect(diff(repo, ["--base", "HEAD", "--stack", "qa"]).stderr).toMatch(
      /no stack file Pulumi\.qa\.yaml at HEAD or in the working tree; stacks: dev, e2e, /,
    );
    const unknown = diff(repo, ["--base", "no-such-ref"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("unknown git ref no-such-ref");
  });

  describe("a commit that changes rules, a dashboard, components and budgets", () => {
    let report: DiffReport;
    let review: StackDiff;

    beforeAll(() => {
      fs.writeFileSync(path.join(repo, "Pulumi.review.yaml"), REVIEW_HEAD);
      // dev: 2Gi for Prometheus alone is over dev's 1.5 GiB budget.
      fs.appendFileSync(
        path.join(repo, "Pulumi.dev.yaml"),
        "  observability-stack:components:\n    prometheus: { resources: { limits: { memory: 2Gi } } }\n",
      );
      edit(
        path.join(repo, "rules/packs/api.ts"),
        '        {\n          alert: "CriticalAPIErrorRate",',
        `${NEW_ALERT}        {\n          alert: "CriticalAPIErrorRate",`,
      );
      edit(
        path.join(repo, "dashboards/services/api-performance.ts"),
        "panels: [authFailures(settings), rateLimited(settings)]",
        "panels: [authFailures(settings)]",
      );
      sh(repo, "git", ["commit", "-q", "-a", "-m", "head", "--author", "t <t@t>"]);
      const result = diff(repo, ["--base", "HEAD~1", "--format", "json"]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      report = JSON.parse(result.stdout);
      review = stack(report, "review");
    });

    test("a threshold override: the threshold and the rendered expression, before and after", () => {
      const alert = change(review, "alerts", "HighAPIErrorRate");
      expect(alert.kind).toBe("changed");
      expect(field(alert, "threshold")).toEqual({
        field: "threshold",
        before: "0.01",
        after: "0.02",
      });
      expect(field(alert, "expr").before).toMatch(/> 0\.01$/);
      expect(field(alert, "expr").after).toMatch(/> 0\.02$/);
    });

    test("a new alert with its expression, severity and receiver", () => {
      const alert = change(review, "alerts", "APIReviewCanary");
      expect(alert.kind).toBe("added");
      expect(field(alert, "expr").after).toBe("service:http_request_errors:ratio_rate5m > 0.5");
      expect(field(alert, "severity").after).toBe("critical");
      expect(field(alert, "routes to").after).toBe("pagerduty");
      // A pack file is shared: every stack that renders gets the alert.
      expect(change(stack(report, "staging"), "alerts", "APIReviewCanary").kind).toBe("added");
    });

    test("a removed panel", () => {
      const dashboard = change(review, "dashboards", "api-performance");
      const panel = field(dashboard, 'panel "Rate-limited requests per minute"');
      expect(panel.before).toContain("increase(rate_limit_exceeded_total");
      expect(panel.after).toBeNull();
    });

    test("an image bump and a retention change, flagged on a stateful component", () => {
      const loki = change(review, "components", "loki");
      expect(field(loki, "image").before).toMatch(/^grafana\/loki:\d/);
      expect(field(loki, "image").after).toBe("grafana/loki:9.9.9");
      expect(change(review, "settings", "retention.metrics").fields).toEqual([
        { field: "retention.metrics", before: "3d", after: "7d" },
      ]);
      const prometheus = change(review, "components", "prometheus");
      expect(field(prometheus, "args")).toEqual({
        field: "args",
        before: "--storage.tsdb.retention.time=3d",
        after: "--storage.tsdb.retention.time=7d",
      });
      expect(prometheus.notes.map((note) => note.detail).join("\n")).toContain(
        "Docker recreates the prometheus container (args changed)",
      );
    });

    test("budget use before and after, with a warning above 90 %", () => {
      expect(review.budget.before?.memory).toEqual({
        used: "1.19 GiB",
        max: "1.50 GiB",
        percentOfMax: 79.2,
      });
      expect(review.budget.after?.memory.percentOfMax).toBe(91.4);
      expect(review.warnings.map((warning) => warning.summary)).toContain(
        "memory 91.4 % of budget",
      );
    });

    test("a stack over its budget fails to render at head, with the config error", () => {
      const dev = stack(report, "dev");
      expect(dev.status).toBe("failed");
      expect(dev.errors).toEqual([
        expect.stringContaining('render failed at head: Stack "dev" has 1 config problem'),
      ]);
      expect(dev.errors[0]).toMatch(
        /memory limits sum to [\d.]+ GiB, [\d.]+ GiB over dev's budget/,
      );
    });

    test("the Markdown: a summary table, then details per stack with before and after", () => {
      const markdown = toMarkdown(report);
      expect(markdown.startsWith(`${COMMENT_MARKER}\n### Stack changes: \`HEAD~1\``)).toBe(true);
      expect(markdown).toContain("| stack | changes | budget before → after | warnings |");
      expect(markdown).toContain(
        "| review | 1 setting, 2 alert rules, 4 dashboards, 2 components | mem 79.2 % → 91.4 %, CPU 55 % |",
      );
      expect(markdown).toMatch(/\| dev \| render failed at head \|/);
      expect(markdown).toContain("<details><summary><b>review</b>");
      expect(markdown).toContain("- ✏️ `HighAPIErrorRate`\n  - expr:");
      expect(markdown).toContain("  - threshold: `0.01` → `0.02`");
      expect(markdown).toContain("- ➕ `APIReviewCanary` added: expr `service:http_request");
      expect(markdown).toContain(
        '  - panel "Rate-limited requests per minute": removed `timeseries; sum by (service)',
      );
      // The override moves the threshold lines of the dashboards that draw it, too.
      expect(markdown).toContain('panel "5xx ratio" thresholds: `0.01 orange` → `0.02 orange`');
      expect(markdown).toContain("image: `grafana/loki:");
      expect(markdown).toContain("→ `grafana/loki:9.9.9`");
      expect(markdown).toContain("- ✏️ `retention.metrics`: `3d` → `7d`");
      expect(markdown).toContain(
        "⚠️ stateful component: Docker recreates the prometheus container",
      );
      expect(markdown).toContain("- ⚠️ memory limits at 1.37 GiB (91.4 % of 1.50 GiB)");
      expect(markdown).toMatch(/Same changes as \*\*[\w-]+\*\*/);
      expect(markdown.length).toBeLessThan(60000);
    });
  });

  test("a module the base lacks fails only the parts that need it", () => {
    // The base commit lacks rules/alertmanager.ts; the working tree has it back.
    sh(repo, "git", ["rm", "-q", "rules/alertmanager.ts"]);
    sh(repo, "git", ["commit", "-q", "-m", "no routing", "--author", "t <t@t>"]);
    sh(repo, "git", ["checkout", "HEAD~1", "--", "rules/alertmanager.ts"]);
    const result = diff(repo, ["--base", "HEAD", "--stack", "review", "--format", "json"]);
    expect(result.status).toBe(0);
    const review = stack(JSON.parse(result.stdout), "review");
    const errors = Object.fromEntries(
      review.sections.map((section) => [section.name, section.errors.join("\n")]),
    );
    expect(errors.alertmanager).toMatch(
      /^render failed at base: Cannot find module '\.\/rules\/alertmanager'/,
    );
    expect(errors.components).toMatch(/^render failed at base: Cannot find module/);
    // The rules still compare; their routing is unknown at the base, so it is left out.
    expect(review.sections.map((section) => section.name)).not.toContain("alerts");
  });
});

describe("diff building blocks", () => {
  test("alerts route like Alertmanager: the first matching child, deepest first", () => {
    const tree = {
      receiver: "null",
      routes: [
        { receiver: "deadmansswitch", matchers: ['alertname="Watchdog"'] },
        { receiver: "pagerduty", matchers: ['severity="critical"'] },
        { receiver: "slack", matchers: ['severity=~"warning|info"'] },
      ],
    };
    expect(routeReceivers(tree, { alertname: "X", severity: "critical" })).toEqual(["pagerduty"]);
    expect(routeReceivers(tree, { alertname: "Watchdog", severity: "none" })).toEqual([
      "deadmansswitch",
    ]);
    expect(routeReceivers(tree, { alertname: "X", severity: "info" })).toEqual(["slack"]);
    expect(routeReceivers(tree, { alertname: "X" })).toEqual(["null"]);
  });

  test("a preview's counts, and its replaces with the stateful ones flagged", () => {
    const urn = (type: string, name: string) =>
      `urn:pulumi:prod::observability-stack::${type}::${name}`;
    const summary = summarizePreview({
      steps: [
        { op: "create", urn: urn("kubernetes:core/v1:ConfigMap", "a") },
        { op: "update", urn: urn("kubernetes:apps/v1:Deployment", "otel-collector") },
        {
          op: "replace",
          urn: urn("kubernetes:apps/v1:StatefulSet", "jaeger"),
          newState: { type: "kubernetes:apps/v1:StatefulSet" },
          replaceReasons: ["spec.volumeClaimTemplates"],
        },
        {
          op: "replace",
          urn: urn("docker:index/container:Container", "prometheus"),
          newState: { type: "docker:index/container:Container" },
        },
        {
          op: "replace",
          urn: urn("kubernetes:core/v1:ConfigMap", "grafana-dashboards"),
          newState: { type: "kubernetes:core/v1:ConfigMap" },
        },
        { op: "same", urn: urn("kubernetes:core/v1:Namespace", "observability") },
      ],
    });
    expect(summary.counts).toEqual({ create: 1, update: 1, replace: 3, delete: 0, same: 1 });
    expect(summary.replaces).toEqual([
      {
        name: "jaeger",
        type: "kubernetes:apps/v1:StatefulSet",
        reasons: ["spec.volumeClaimTemplates"],
        stateful: true,
      },
      { name: "prometheus", type: "docker:index/container:Container", reasons: [], stateful: true },
      {
        name: "grafana-dashboards",
        type: "kubernetes:core/v1:ConfigMap",
        reasons: [],
        stateful: false,
      },
    ]);
  });

  test("without pulumi on PATH the preview says so and the diff goes on", () => {
    expect(
      runPreview({ stack: "dev", projectDir: PROJECT_DIR, target: "docker", env: { PATH: "" } }),
    ).toEqual({ status: "skipped", message: "pulumi is not on PATH" });
  });
});
