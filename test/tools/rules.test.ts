import { spawnSync } from "child_process";
import * as path from "path";
import { createRegistry } from "../../metrics/registry";
import { RULE_PACKS } from "../../rules/packs";
import { promtool, writePack } from "../support/promtool";
import { scratchDir, tool, version } from "../support/tools";

const dir = scratchDir("rules");

describe(`rule packs with ${version(tool("promtool"))}`, () => {
  const rendered = RULE_PACKS.map((pack) => ({ pack, files: writePack(dir, pack) }));

  it.each(rendered.map(({ pack, files }) => [pack.name, files] as const))(
    "%s: promtool check rules accepts the rule file",
    (_name, files) => {
      const result = promtool(["check", "rules", files.ruleFile]);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    },
  );

  it.each(rendered.map(({ pack, files }) => [pack.name, pack, files] as const))(
    "%s: promtool test rules passes",
    (_name, pack, files) => {
      expect(pack.tests.length).toBeGreaterThan(0);
      const result = promtool(["test", "rules", path.basename(files.testFile)], dir);
      if (result.status !== 0) console.log(result.output);
      expect(result.status).toBe(0);
    },
  );

  it("runs every pack's test groups", () => {
    const groups = RULE_PACKS.reduce((total, pack) => total + pack.tests.length, 0);
    console.log(`promtool test groups: ${groups} in ${RULE_PACKS.length} packs`);
    expect(groups).toBeGreaterThanOrEqual(RULE_PACKS.length);
  });
});

describe("the promtool tests can fail", () => {
  it("rejects a pack whose threshold no longer matches its tests", () => {
    const pack = RULE_PACKS.find((candidate) => candidate.name === "api")!;
    // HighAPIErrorRate at 10% does not fire for a service failing 4.8% of its requests.
    const files = writePack(scratchDir("rules-broken"), pack, {
      HighAPIErrorRate: { threshold: 0.1 },
    });
    const result = promtool(
      ["test", "rules", path.basename(files.testFile)],
      path.dirname(files.testFile),
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("HighAPIErrorRate");
  });
});

describe("the application registry", () => {
  it("passes promtool check metrics", async () => {
    const { registry, metrics } = createRegistry({ service: "billing-api", defaultMetrics: false });
    metrics.httpRequestsTotal.inc({ method: "GET", route: "/v1/credits", status_code: "200" });
    metrics.httpRequestDurationSeconds.observe(
      { method: "GET", route: "/v1/credits", status_code: "200" },
      0.12,
    );
    metrics.creditBalance.set({ organization_id: "org-1", tier: "pro" }, 420);
    metrics.firstResponseTimeSeconds.observe({ team: "sales" }, 95);
    metrics.dependencyUp.set({ dependency: "postgresql" }, 1);
    const exposition = await registry.metrics();
    expect(exposition).toContain(
      'http_requests_total{method="GET",route="/v1/credits",status_code="200",service="billing-api"} 1',
    );
    expect(exposition).toContain(
      'first_response_time_seconds_bucket{le="120",service="billing-api",team="sales"} 1',
    );
    const check = spawnSync(tool("promtool"), ["check", "metrics"], {
      input: exposition,
      encoding: "utf8",
    });
    expect(`${check.stdout}${check.stderr}`).toBe("");
    expect(check.status).toBe(0);
  });
});
