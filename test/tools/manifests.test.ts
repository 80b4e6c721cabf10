import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import versions from "../../versions.json";
import { kubernetesManifests, MANIFESTS_DIR } from "../../scripts/manifests";
import { MANIFEST_KINDS } from "../../scripts/manifests/files";
import {
  schemaDifferences,
  schemaFileName,
  SCHEMAS_DIR,
  SCHEMAS_ROOT,
  writeSchemas,
} from "../../scripts/kubernetes-schemas";
import { stackSettings } from "../support/settings";
import { run, scratchDir, tool } from "../support/tools";

/**
 * `npm run render -- --manifests` of the Kubernetes stacks, judged by kubeconform (strict,
 * against the schemas of the Kubernetes version the tests run) and reviewed by kube-score.
 */
const STACKS = ["staging", "prod"] as const;
const KUBERNETES = versions.testInfra.kubernetes;
const root = scratchDir("manifests");
const dirOf = (stack: string) => path.join(root, stack, MANIFESTS_DIR);
const counts: Record<string, number> = {};

beforeAll(async () => {
  for (const stack of STACKS) {
    const files = await kubernetesManifests(stackSettings(stack));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(root, stack, file.path)), { recursive: true });
      fs.writeFileSync(path.join(root, stack, file.path), file.content);
    }
    counts[stack] = files.length;
  }
}, 180_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function kubeconform(target: string) {
  const result = run(tool("kubeconform"), [
    "-strict",
    "-summary",
    "-output=json",
    `-kubernetes-version=${KUBERNETES}`,
    `-schema-location=${SCHEMAS_ROOT}`,
    target,
  ]);
  return { status: result.status, report: JSON.parse(result.output), output: result.output };
}

describe(`kubeconform ${run(tool("kubeconform"), ["-v"]).output.trim()} -strict, Kubernetes ${KUBERNETES} schemas`, () => {
  it.each(STACKS)("%s: every object is valid", (stack) => {
    const { status, report, output } = kubeconform(dirOf(stack));
    expect(report.resources.filter((r: any) => r.status !== "statusValid")).toEqual([]);
    expect(report.summary).toEqual({ valid: counts[stack], invalid: 0, errors: 0, skipped: 0 });
    expect(counts[stack]).toBeGreaterThan(40);
    expect(status).toBe(0);
    console.log(`${stack}: kubeconform accepted ${report.summary.valid} objects`);
    expect(output).not.toContain("could not find schema");
  });

  it("rejects a field the schema does not have and a value of the wrong type", () => {
    const file = fs
      .readdirSync(dirOf("prod"))
      .find((name) => name.includes("deployment.observability.otel-collector"))!;
    const object = yaml.load(fs.readFileSync(path.join(dirOf("prod"), file), "utf8")) as any;
    object.spec.template.spec.containers[0].imagePullPolcy = "Always";
    object.spec.replicas = "one";
    const broken = path.join(root, "broken.yaml");
    fs.writeFileSync(broken, yaml.dump(object));
    const { status, report } = kubeconform(broken);
    expect(status).not.toBe(0);
    expect(report.summary.invalid).toBe(1);
    const message = report.resources[0].msg as string;
    expect(message).toContain("imagePullPolcy");
    expect(message).toMatch(/replicas.*(integer|got string)/);
  });

  it("has a vendored schema for exactly the kinds the program creates", () => {
    expect(fs.readdirSync(SCHEMAS_DIR).sort()).toEqual(
      MANIFEST_KINDS.map(({ apiVersion, kind }) => schemaFileName(apiVersion, kind)).sort(),
    );
    expect(schemaFileName("apps/v1", "Deployment")).toBe("deployment-apps-v1.json");
    expect(schemaFileName("networking.k8s.io/v1", "NetworkPolicy")).toBe(
      "networkpolicy-networking-v1.json",
    );
    expect(schemaFileName("v1", "ConfigMap")).toBe("configmap-v1.json");
  });

  it(`the vendored schemas are what scripts/kubernetes-schemas.ts generates from k8s.io/kubernetes@v${KUBERNETES}`, () => {
    const regenerated = scratchDir("schemas");
    try {
      writeSchemas(regenerated);
      expect(schemaDifferences(SCHEMAS_DIR, regenerated)).toEqual([]);
    } finally {
      fs.rmSync(regenerated, { recursive: true, force: true });
    }
  }, 120_000);
});

interface Accepted {
  objects: string[];
  reason: string;
}
const ACCEPTED_FILE = path.join(__dirname, "kube-score-accepted.yaml");
const accepted = yaml.load(fs.readFileSync(ACCEPTED_FILE, "utf8")) as Record<string, Accepted>;
const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.?+^$|()[\]{}\\/]/g, "\\$&"))
      .join("[^/]*")}$`,
  );

interface Finding {
  check: string;
  object: string;
  grade: number;
  comments: string;
}

function kubeScore(stack: string): Finding[] {
  const dir = dirOf(stack);
  const files = fs.readdirSync(dir).map((name) => path.join(dir, name));
  const result = run(tool("kube-score"), [
    "score",
    "--all-default-optional",
    `--kubernetes-version=v${KUBERNETES.split(".").slice(0, 2).join(".")}`,
    "--output-format=json",
    ...files,
  ]);
  const objects = JSON.parse(result.output) as any[];
  return objects.flatMap((object) =>
    (object.checks as any[])
      // Grade 10 is OK; kube-score marks warnings 5 and critical findings 1.
      .filter((check) => !check.skipped && check.grade < 10)
      .map((check) => ({
        check: check.check.id as string,
        object: `${object.type_meta.kind}/${object.object_meta.namespace}/${object.object_meta.name}`,
        grade: check.grade as number,
        comments: ((check.comments as any[]) ?? []).map((c) => c.summary).join("; "),
      })),
  );
}

const isAccepted = (finding: Finding) =>
  (accepted[finding.check]?.objects ?? []).some((pattern) => glob(pattern).test(finding.object));

describe(`kube-score ${run(tool("kube-score"), ["version"]).output.trim()}, every check`, () => {
  const findings: Record<string, Finding[]> = {};
  beforeAll(() => {
    for (const stack of STACKS) findings[stack] = kubeScore(stack);
  }, 120_000);

  it.each(STACKS)("%s: no failing check without a reason in kube-score-accepted.yaml", (stack) => {
    const open = findings[stack].filter((finding) => !isAccepted(finding));
    expect(open.map((f) => `${f.check} ${f.object}: ${f.comments}`)).toEqual([]);
    const byCheck = new Map<string, number>();
    for (const f of findings[stack]) byCheck.set(f.check, (byCheck.get(f.check) ?? 0) + 1);
    console.log(
      `${stack}: kube-score findings accepted with a reason, by check: ${[...byCheck]
        .map(([check, n]) => `${check} ${n}`)
        .join(", ")}`,
    );
  });

  it("every accepted entry has a reason and still covers a finding (none is stale)", () => {
    const all = STACKS.flatMap((stack) => findings[stack]);
    for (const [check, entry] of Object.entries(accepted)) {
      expect(entry.reason.length).toBeGreaterThan(80);
      for (const pattern of entry.objects) {
        const covered = all.filter((f) => f.check === check && glob(pattern).test(f.object));
        if (covered.length === 0) throw new Error(`${check} ${pattern} covers no finding`);
      }
    }
  });

  it("Prometheus and Alertmanager have distinct liveness and readiness probes (fixed, not accepted)", () => {
    const probes = findings.prod.filter((f) => f.check === "pod-probes-identical");
    expect(probes.map((f) => f.object)).not.toContain("StatefulSet/observability/prometheus");
    expect(probes.map((f) => f.object)).not.toContain("StatefulSet/observability/alertmanager");
  });
});
