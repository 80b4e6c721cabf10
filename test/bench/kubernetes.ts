/**
 * Kubernetes figures for `npm run bench`, on the local control plane of scripts/k8s (kwok
 * nodes: pods turn Ready without running, so the figures are the engine's, the provider's
 * and the API server's, never image pulls or start-up):
 *   - seconds from `pulumi up` start to every workload available, Service with endpoints
 *     and claim bound (the k8s-e2e stack: staging settings)
 *   - seconds for a no-change preview of that stack
 *   - beside them, the same two figures for a one-resource program (one Namespace)
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { namespaceName } from "../../components/platforms/network-policies";
import {
  claimsOf,
  clusterAnswers,
  createVolumes,
  deleteVolumes,
  items,
  kubeconfigPath,
  kubectl,
  programObjects,
} from "../support/k8s";
import { TestStack } from "../support/pulumi";
import { PROJECT_DIR, stackSettings } from "../support/settings";

export interface KubernetesFigures {
  workloads: number;
  upToReady: number;
  noChangePreview: number;
  oneResourceUp: number;
  oneResourcePreview: number;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(run: () => void): number {
  const start = Date.now();
  run();
  return seconds(start);
}

/**
 * A trivial program: one kubernetes Namespace, in plain JavaScript, in a TestStack's scratch
 * project (same project name, so the stack it initialised stays valid; no config of ours).
 */
class OneNamespaceStack extends TestStack {
  constructor(namespace: string) {
    super("k8s-e2e");
    fs.writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      yaml.dump({
        name: "observability-stack",
        runtime: { name: "nodejs", options: { typescript: false } },
        main: "index.js",
      }),
    );
    fs.writeFileSync(
      path.join(this.dir, "index.js"),
      `const k8s = require("@pulumi/kubernetes");\n` +
        `new k8s.core.v1.Namespace("ns", { metadata: { name: ${JSON.stringify(namespace)} } });\n`,
    );
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ main: "index.js" }));
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(this.dir, "node_modules"));
    // Keep the encryption salt `stack init` wrote; drop the stack's config.
    const stackFile = path.join(this.dir, "Pulumi.k8s-e2e.yaml");
    const { encryptionsalt } = yaml.load(fs.readFileSync(stackFile, "utf8")) as {
      encryptionsalt?: string;
    };
    fs.writeFileSync(stackFile, yaml.dump(encryptionsalt ? { encryptionsalt } : {}));
    this.env.KUBECONFIG = kubeconfigPath();
  }
}

/** Everything of the stack ready: what `pulumi up` awaited, checked once more with kubectl. */
function allReady(stackNamespaces: string[]): boolean {
  const list = (kind: string) => stackNamespaces.flatMap((ns) => items([kind, "-n", ns]));
  return (
    list("deployments").every((d) => d.status.availableReplicas === d.spec.replicas) &&
    list("statefulsets").every((s) => s.status.availableReplicas === s.spec.replicas) &&
    list("daemonsets").every(
      (d) =>
        d.status.desiredNumberScheduled > 0 &&
        d.status.numberAvailable === d.status.desiredNumberScheduled,
    ) &&
    list("persistentvolumeclaims").every((c) => c.status.phase === "Bound")
  );
}

export function kubernetesAvailable(): boolean {
  return clusterAnswers();
}

export async function kubernetesFigures(): Promise<KubernetesFigures> {
  const settings = stackSettings("k8s-e2e");
  const stackNamespaces = [namespaceName(settings, "stack"), namespaceName(settings, "host")];
  const objects = await programObjects(settings);
  deleteVolumes(settings);
  createVolumes(settings, claimsOf(objects));
  const stack = new TestStack("k8s-e2e");
  stack.env.KUBECONFIG = kubeconfigPath();
  const single = new OneNamespaceStack(`bench-one-${process.pid}`);
  try {
    const started = Date.now();
    stack.ok("up", "--yes", "--skip-preview");
    while (!allReady(stackNamespaces)) await new Promise((resolve) => setTimeout(resolve, 250));
    const upToReady = seconds(started);
    const noChangePreview = median(
      [0, 1, 2].map(() => timed(() => stack.ok("preview", "--expect-no-changes"))),
    );
    const oneResourceUp = timed(() => single.ok("up", "--yes", "--skip-preview"));
    const oneResourcePreview = median(
      [0, 1, 2].map(() => timed(() => single.ok("preview", "--expect-no-changes"))),
    );
    return {
      workloads: objects.filter((o) => /:(Deployment|StatefulSet|DaemonSet)$/.test(o.type)).length,
      upToReady,
      noChangePreview,
      oneResourceUp,
      oneResourcePreview,
    };
  } finally {
    single.run("destroy", "--yes", "--skip-preview");
    stack.run("destroy", "--yes", "--skip-preview");
    kubectl(["delete", "namespace", ...stackNamespaces, "--ignore-not-found", "--wait=true"]);
    deleteVolumes(settings);
  }
}

export function printKubernetesFigures(figures: KubernetesFigures): void {
  console.log("\nbenchmark: Kubernetes (local control plane of scripts/k8s, kwok nodes)");
  console.log(
    `  pulumi up -> all ready (k8s-e2e stack, ${figures.workloads} workloads): ${figures.upToReady} s; one-Namespace program: ${figures.oneResourceUp} s`,
  );
  console.log(
    `  no-change preview (median of 3): ${figures.noChangePreview} s; one-Namespace program: ${figures.oneResourcePreview} s`,
  );
}
