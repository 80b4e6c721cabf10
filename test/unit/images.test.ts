import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import versions from "../../versions.json";
import { stackImages } from "../../components/images";
import { renderStack } from "../../components/render";
import { ObservabilityStack } from "../../components/stack";
import { recordKubernetesObjects } from "../../scripts/manifests";
import { recordResources, settle } from "../support/mocks";
import { PROJECT_DIR, stackSettings } from "../support/settings";

/** The images a rendered manifest.json names: components and the error tracker's services. */
function manifestImages(stack: string): string[] {
  const file = renderStack(stackSettings(stack)).find((f) => f.path === "manifest.json")!;
  const manifest = JSON.parse(file.content);
  return [
    ...Object.values(manifest.components as Record<string, { image: string }>),
    ...Object.values((manifest.errorTracking.services ?? {}) as Record<string, { image: string }>),
  ].map((entry) => entry.image);
}

const sortedUnique = (images: string[]) => [...new Set(images)].sort();

function imagesCommand(stack: string) {
  const result = spawnSync(
    process.execPath,
    [
      "-r",
      "ts-node/register/transpile-only",
      path.join(PROJECT_DIR, "scripts/images.ts"),
      "--stack",
      stack,
    ],
    {
      cwd: PROJECT_DIR,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(PROJECT_DIR, "tsconfig.json") },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(["staging", "prod"])("%s: the images Kubernetes runs", (stack) => {
  let podImages: string[];
  beforeAll(async () => {
    const objects = (await recordKubernetesObjects(stackSettings(stack))) as any[];
    podImages = objects
      .filter((object) => object.spec?.template?.spec)
      .flatMap((object) => {
        const pod = object.spec.template.spec;
        return [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => c.image);
      });
  }, 120_000);

  test("are what npm run images lists, and what manifest.json names", () => {
    expect(stackImages(stackSettings(stack))).toEqual(sortedUnique(podImages));
    expect(sortedUnique(manifestImages(stack))).toEqual(sortedUnique(podImages));
  });

  test("include the error tracker's probe, at the version pinned for it", () => {
    expect(podImages).toContain(`prom/blackbox-exporter:v${versions.errorTracking.probe}`);
  });
});

describe("dev: the images Docker runs", () => {
  test("are what npm run images lists, and what manifest.json names", async () => {
    const resources = recordResources("observability-stack", "dev");
    new ObservabilityStack("observability", {
      settings: stackSettings("dev"),
      configSecret: (key) => pulumi.secret(`value-of-${key}`),
    });
    await settle();
    const containerImages = resources
      .filter((r) => r.type === "docker:index/container:Container")
      .map((r) => r.inputs.image as string);
    expect(containerImages.length).toBeGreaterThan(8);
    expect(stackImages(stackSettings("dev"))).toEqual(sortedUnique(containerImages));
    expect(sortedUnique(manifestImages("dev"))).toEqual(sortedUnique(containerImages));
    expect(containerImages).toContain(`bugsink/bugsink:${versions.errorTracking.bugsink}`);
  }, 60_000);
});

describe("npm run images", () => {
  test("prints one image a line, sorted and unique", () => {
    const result = imagesCommand("prod");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toEqual(sortedUnique(lines));
    expect(lines).toEqual(stackImages(stackSettings("prod")));
    expect(lines).toContain(`prom/prometheus:v${versions.components.prometheus}`);
    expect(lines).toContain(`getsentry/snuba:${versions.errorTracking.sentry}`);
  }, 60_000);

  test("an unknown stack names the stacks that exist", () => {
    const result = imagesCommand("qa");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no stack file .*Pulumi\.qa\.yaml; stacks here: /);
  }, 60_000);
});
