import { toYaml } from "../../components/yaml";
import type { RenderedFile } from "../../components/render";
import { KubernetesObject } from "./record";

/** The directory below render's output that holds the manifests. */
export const MANIFESTS_DIR = "kubernetes";

/**
 * Every kind the program creates, in the order `kubectl apply -f <dir>` should create them (it
 * reads files by name): namespaces first, then what pods refer to, then the workloads. The
 * schemas kubeconform validates them with are vendored for exactly these
 * (scripts/kubernetes-schemas.ts).
 */
export const MANIFEST_KINDS = [
  { apiVersion: "v1", kind: "Namespace" },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "apps/v1", kind: "StatefulSet" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "apps/v1", kind: "DaemonSet" },
  { apiVersion: "batch/v1", kind: "Job" },
] as const;

function rank(object: KubernetesObject): number {
  const index = MANIFEST_KINDS.findIndex(
    (entry) => entry.kind === object.kind && entry.apiVersion === object.apiVersion,
  );
  if (index < 0)
    throw new Error(
      `${object.apiVersion} ${object.kind} is not in MANIFEST_KINDS; add it there and vendor its schema (scripts/kubernetes-schemas.ts)`,
    );
  return index;
}

/** apiVersion, kind and metadata first, as kubectl prints objects; the rest as the program gave it. */
function document(object: KubernetesObject): string {
  const { apiVersion, kind, metadata, ...rest } = object;
  return toYaml({ apiVersion, kind, metadata, ...rest });
}

/**
 * One YAML file per object, named `<order>-<kind>.<namespace>.<name>.yaml`: stable names for
 * GitOps diffs, and an order `kubectl apply -f` follows.
 */
export function manifestFiles(objects: KubernetesObject[]): RenderedFile[] {
  const files = objects.map((object) => {
    const { kind, metadata } = object;
    const order = String(rank(object)).padStart(2, "0");
    const scope = metadata.namespace ? `${metadata.namespace}.` : "";
    return {
      path: `${MANIFESTS_DIR}/${order}-${kind.toLowerCase()}.${scope}${metadata.name}.yaml`,
      content: document(object),
    };
  });
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path))
      throw new Error(`two Kubernetes objects would be written to ${file.path}`);
    seen.add(file.path);
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
