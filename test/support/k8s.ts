import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ObservabilityStack } from "../../components/stack";
import { Settings } from "../../config/settings";
import { recordResources, RecordedResource, settle } from "./mocks";
import { PROJECT_DIR } from "./settings";

/**
 * The local control plane of scripts/k8s (test infrastructure): its kubeconfig, kubectl at
 * the version built there, and the static PersistentVolumes a stack's claims bind to.
 */

/** The image of the tests' own pods, built into the real node (scripts/k8s/node.sh node_images). */
export const CLIENT_IMAGE = "localhost/obs-k8s/busybox:test";

/** The StorageClass scripts/k8s/up.sh makes the default one. */
export const LOCAL_STORAGE_CLASS = "obs-local";

export function k8sDir(): string {
  return (
    process.env.OBS_K8S_DIR ??
    path.join(process.env.TMPDIR ?? os.tmpdir(), "observability-stack-k8s")
  );
}

export function kubeconfigPath(): string {
  return path.join(k8sDir(), "kubeconfig");
}

function kubectlBinary(): string {
  const dir = execFileSync(
    path.join(PROJECT_DIR, "scripts/k8s/build.sh"),
    ["--bin-dir", "kubernetes"],
    {
      encoding: "utf8",
    },
  ).trim();
  return path.join(dir, "kubectl");
}

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

let binary: string | undefined;

/** kubectl against the local control plane; `input` is written to its stdin. */
export function kubectl(args: string[], input?: string): KubectlResult {
  binary ??= kubectlBinary();
  const result = spawnSync(binary, ["--kubeconfig", kubeconfigPath(), ...args], {
    encoding: "utf8",
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** Like kubectl, but throws with kubectl's output when it fails. */
export function kubectlOk(args: string[], input?: string): string {
  const result = kubectl(args, input);
  if (result.status !== 0) {
    throw new Error(
      `kubectl ${args.join(" ")} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/** `kubectl get ... -o json` items. */
export function items(args: string[]): any[] {
  return JSON.parse(kubectlOk(["get", ...args, "-o", "json"])).items;
}

/** True when the local API server answers /readyz. */
export function clusterAnswers(): boolean {
  try {
    return kubectl(["get", "--raw", "/readyz", "--request-timeout=5s"]).status === 0;
  } catch {
    return false;
  }
}

/**
 * The cluster must run containers: scripts/k8s/up.sh with OBS_K8S_NODE=real, whose one node is
 * a kubelet. A kwok node would mark pods Ready without running them, which proves nothing here.
 */
/** How scripts/k8s/up.sh started the cluster's node: `real` or `kwok` (undefined: not started). */
export function nodeMode(): "real" | "kwok" | undefined {
  const mode = path.join(k8sDir(), "run", "node-mode");
  if (!fs.existsSync(mode)) return undefined;
  const text = fs.readFileSync(mode, "utf8").trim();
  return text === "real" || text === "kwok" ? text : undefined;
}

export function requireRealNode(): void {
  requireCluster();
  const nodes = items(["nodes"]);
  const simulated = nodes.filter((node) => node.metadata.annotations?.["kwok.x-k8s.io/node"]);
  if (nodeMode() !== "real" || simulated.length > 0) {
    throw new Error(
      `the local cluster has no real node (nodes: ${nodes.map((n) => n.metadata.name).join(", ")}): run OBS_K8S_NODE=real scripts/k8s/up.sh`,
    );
  }
}

export function requireCluster(): void {
  if (!clusterAnswers()) {
    throw new Error(
      `no local control plane answers at ${kubeconfigPath()}: run scripts/k8s/build.sh && scripts/k8s/up.sh`,
    );
  }
}

/**
 * The Kubernetes objects the stack's program creates, from a run under Pulumi mocks: what
 * the cluster should hold after `pulumi up`, whatever services the stack has.
 */
export async function programObjects(settings: Settings): Promise<RecordedResource[]> {
  const resources = recordResources(settings.project, settings.stack);
  new ObservabilityStack("observability", {
    settings,
    configSecret: (key) => pulumi.secret(`mock-${key}`),
  });
  await settle();
  return resources.filter((resource) => resource.type.startsWith("kubernetes:"));
}

export interface Claim {
  namespace: string;
  name: string;
  size: string;
}

/** The PersistentVolumeClaims the program's StatefulSets will ask for: name, namespace, size. */
export function claimsOf(objects: RecordedResource[]): Claim[] {
  return objects
    .filter((object) => object.type === "kubernetes:apps/v1:StatefulSet")
    .flatMap((object) => {
      const { metadata, spec } = object.inputs as any;
      return (spec.volumeClaimTemplates ?? []).flatMap((template: any) =>
        Array.from({ length: spec.replicas ?? 1 }, (_, ordinal) => ({
          namespace: metadata.namespace as string,
          // A volumeClaimTemplate's claims are <template>-<statefulset>-<ordinal>.
          name: `${template.metadata.name}-${metadata.name}-${ordinal}`,
          size: template.spec.resources.requests.storage as string,
        })),
      );
    });
}

const VOLUME_LABEL = "observability-stack/test-volumes-of";

/**
 * One static PersistentVolume per claim, reserved for it (claimRef), of the size the settings
 * give (through the specs' volumeClaimTemplates) and the stack's StorageClass: what a cluster
 * admin would provide.
 */
export function createVolumes(settings: Settings, claims: Claim[]): string[] {
  const storageClassName = settings.kubernetes.storageClass ?? LOCAL_STORAGE_CLASS;
  const volumes = claims.map((claim) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: {
      name: `${settings.stack}-${claim.name}`,
      labels: { [VOLUME_LABEL]: settings.stack },
    },
    spec: {
      capacity: { storage: claim.size },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      storageClassName,
      claimRef: { namespace: claim.namespace, name: claim.name },
      hostPath: { path: `/var/lib/observability-stack-test/${settings.stack}/${claim.name}` },
    },
  }));
  kubectlOk(
    ["apply", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "List", items: volumes }),
  );
  return volumes.map((volume) => volume.metadata.name);
}

/** Deletes the volumes createVolumes made for a stack (released once its namespace is gone). */
export function deleteVolumes(settings: Settings): void {
  kubectlOk([
    "delete",
    "persistentvolume",
    "-l",
    `${VOLUME_LABEL}=${settings.stack}`,
    "--wait=true",
  ]);
}

/** The PersistentVolumes whose claim is in one of the namespaces. */
export function volumesClaimedIn(namespaces: string[]): any[] {
  return items(["persistentvolumes"]).filter((pv) =>
    namespaces.includes(pv.spec.claimRef?.namespace),
  );
}
