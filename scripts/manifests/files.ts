import { toYaml } from "../../components/yaml";
import type { RenderedFile } from "../../components/render";
import { KubernetesObject } from "./record";

/** The directory below render's output that holds the manifests. */
export const MANIFESTS_DIR = "kubernetes";

/**
 * The order `kubectl apply -f <dir>` should create kinds in (it reads files by name):
 * namespaces first, then what pods refer to, then the workloads.
 */
const APPLY_ORDER = [
  "Namespace",
  "NetworkPolicy",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "Service",
  "StatefulSet",
  "Deployment",
  "DaemonSet",
  "Job",
];

function rank(kind: string): number {
  const index = APPLY_ORDER.indexOf(kind);
  if (index < 0)
    throw new Error(`no apply order for Kubernetes kind ${kind}; add it to APPLY_ORDER`);
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
    const order = String(rank(kind)).padStart(2, "0");
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
