/**
 * Kubernetes figures for `npm run bench`, on the local cluster of scripts/k8s, with the node
 * it was started with (OBS_K8S_NODE):
 *   - real: containers start through the kubelet, containerd and runc, each Ready through its
 *     own probes; claims are bound by the node's provisioner. The images must be on the node
 *     (scripts/e2e/images.sh k8s-e2e && scripts/k8s/load-images.sh k8s-e2e).
 *   - kwok: pods turn Ready without running, so the figures are the engine's, the provider's
 *     and the API server's only; claims bind to static volumes made here.
 * Figures:
 *   - seconds from `pulumi up` start to every workload available, Service with endpoints
 *     and claim bound (the k8s-e2e stack: staging settings)
 *   - seconds for a no-change preview of that stack
 *   - beside them, the same two figures for a one-Deployment program (a Namespace and one
 *     Deployment of one container, awaited Ready as Pulumi awaits the stack's)
 *   - on the real node, once the stack is up and idle: the working set of the stack's pods
 *     (the kubelet's summary API) and the resident memory of the node's own processes
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { namespaceName } from "../../components/platforms/network-policies";
import {
  claimsOf,
  CLIENT_IMAGE,
  clusterAnswers,
  createVolumes,
  deleteVolumes,
  items,
  kubeconfigPath,
  kubectl,
  k8sDir,
  kubectlOk,
  nodeMode,
  programObjects,
} from "../support/k8s";
import { TestStack } from "../support/pulumi";
import { PROJECT_DIR, stackSettings } from "../support/settings";

export interface KubernetesFigures {
  node: "real" | "kwok";
  workloads: number;
  upToReady: number;
  noChangePreview: number;
  oneDeploymentUp: number;
  oneDeploymentPreview: number;
  /** Real node only: MiB, once the stack is up and has idled. */
  idle?: { stackPods: number; nodeProcesses: number; seconds: number };
}

/** How long the stack idles before its memory is read. */
const IDLE_SECONDS = 60;
/** The node's own programs (scripts/k8s/node.sh), whose resident memory is the node's cost. */
const NODE_PROCESSES = [
  "kubelet",
  "kube-proxy",
  "containerd",
  "containerd-shim-runc-v2",
  "obs-local-provisioner",
];

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(run: () => void): number {
  const start = Date.now();
  run();
  return seconds(start);
}

/**
 * A trivial program: a Namespace and one Deployment of one container (on the real node the
 * tests' client image, sleeping; ready once it runs), in plain JavaScript, in a TestStack's
 * scratch project (same project name, so the stack it initialised stays valid; no config of
 * ours). Pulumi awaits the Deployment's rollout as it awaits the stack's.
 */
class OneDeploymentStack extends TestStack {
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
        `const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: ${JSON.stringify(namespace)} } });\n` +
        `const labels = { app: "bench-one" };\n` +
        `new k8s.apps.v1.Deployment("one", { metadata: { name: "one", namespace: ns.metadata.name }, spec: {\n` +
        `  selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {\n` +
        `    securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },\n` +
        `    containers: [{ name: "one", image: ${JSON.stringify(CLIENT_IMAGE)}, imagePullPolicy: "Never", args: ["-c", "sleep 86400"],\n` +
        `      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } } }] } } } });\n`,
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

const MiB = 1024 * 1024;

/** The working set of every container of the stack's pods, from the kubelet's summary API. */
function stackPodsMemory(node: string, stackNamespaces: string[]): number {
  const summary = JSON.parse(
    kubectlOk(["get", "--raw", `/api/v1/nodes/${node}/proxy/stats/summary`]),
  );
  const bytes = (summary.pods as any[])
    .filter((pod) => stackNamespaces.includes(pod.podRef.namespace))
    .flatMap((pod) => pod.containers as any[])
    .reduce((sum, container) => sum + (container.memory?.workingSetBytes ?? 0), 0);
  return Math.round(bytes / MiB);
}

/**
 * Resident memory of the node's own processes (VmRSS of each, from /proc): those of the
 * cluster's directory, and containerd's shims of its `k8s.io` namespace (the Docker engine
 * beside it has a containerd and shims of its own, in namespace `moby`).
 */
function nodeProcessesMemory(): number {
  let kilobytes = 0;
  for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /^Name:\s+(.+)$/m.exec(status)?.[1];
      if (!name || !NODE_PROCESSES.some((process) => process.startsWith(name))) continue;
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (!command.includes(k8sDir()) && !command.includes("-namespace k8s.io")) continue;
      kilobytes += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
    } catch {
      // The process ended while it was read.
    }
  }
  return Math.round(kilobytes / 1024);
}

export async function kubernetesFigures(): Promise<KubernetesFigures> {
  const node = nodeMode();
  if (!node) throw new Error("the local cluster was not started by scripts/k8s/up.sh");
  const settings = stackSettings("k8s-e2e");
  const stackNamespaces = [namespaceName(settings, "stack"), namespaceName(settings, "host")];
  const objects = await programObjects(settings);
  if (node === "kwok") {
    deleteVolumes(settings);
    createVolumes(settings, claimsOf(objects));
  }
  const stack = new TestStack("k8s-e2e");
  stack.env.KUBECONFIG = kubeconfigPath();
  const single = new OneDeploymentStack(`bench-one-${process.pid}`);
  try {
    const started = Date.now();
    stack.ok("up", "--yes", "--skip-preview");
    while (!allReady(stackNamespaces)) await new Promise((resolve) => setTimeout(resolve, 250));
    const upToReady = seconds(started);
    const noChangePreview = median(
      [0, 1, 2].map(() => timed(() => stack.ok("preview", "--expect-no-changes"))),
    );
    let idle: KubernetesFigures["idle"];
    if (node === "real") {
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      const [nodeName] = items(["nodes"]).map((n) => n.metadata.name as string);
      idle = {
        stackPods: stackPodsMemory(nodeName, stackNamespaces),
        nodeProcesses: nodeProcessesMemory(),
        seconds: IDLE_SECONDS,
      };
    }
    const oneDeploymentUp = timed(() => single.ok("up", "--yes", "--skip-preview"));
    const oneDeploymentPreview = median(
      [0, 1, 2].map(() => timed(() => single.ok("preview", "--expect-no-changes"))),
    );
    return {
      node,
      workloads: objects.filter((o) => /:(Deployment|StatefulSet|DaemonSet)$/.test(o.type)).length,
      upToReady,
      noChangePreview,
      oneDeploymentUp,
      oneDeploymentPreview,
      idle,
    };
  } finally {
    single.run("destroy", "--yes", "--skip-preview");
    stack.run("destroy", "--yes", "--skip-preview");
    kubectl(["delete", "namespace", ...stackNamespaces, "--ignore-not-found", "--wait=true"]);
    if (node === "kwok") deleteVolumes(settings);
  }
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "n/a");

export function printKubernetesFigures(figures: KubernetesFigures): void {
  const node =
    figures.node === "real"
      ? "a real node: kubelet, containerd, runc"
      : "kwok nodes: pods turn Ready without running";
  console.log(`\nbenchmark: Kubernetes (local cluster of scripts/k8s, ${node})`);
  console.log(
    `  pulumi up -> all ready (k8s-e2e stack, ${figures.workloads} workloads): ${figures.upToReady} s; one-Deployment program: ${figures.oneDeploymentUp} s; ratio ${ratio(figures.upToReady, figures.oneDeploymentUp)}`,
  );
  console.log(
    `  no-change preview (median of 3): ${figures.noChangePreview} s; one-Deployment program: ${figures.oneDeploymentPreview} s; ratio ${ratio(figures.noChangePreview, figures.oneDeploymentPreview)}`,
  );
  if (figures.idle) {
    console.log(
      `  idle after ${figures.idle.seconds} s: the stack's pods ${figures.idle.stackPods} MiB (working set); the node's own processes ${figures.idle.nodeProcesses} MiB (resident)`,
    );
  }
}
