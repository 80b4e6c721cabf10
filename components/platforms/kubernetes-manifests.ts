import { CATALOG } from "../catalog";
import { ComponentDefinition } from "../definition";
import { ConfigFile, ServiceId, ServiceSpec } from "../spec";

/** Pure helpers of the Kubernetes adapter: what it derives from a spec, testable without Pulumi. */

export const PART_OF = "observability-stack";

/** What a workload and its Service select on: never the version, which changes on upgrade. */
export function selectorLabels(
  spec: Pick<ServiceSpec, "name">,
  stack: string,
): Record<string, string> {
  return { "app.kubernetes.io/name": spec.name, "app.kubernetes.io/instance": stack };
}

export function standardLabels(
  spec: ServiceSpec<ServiceId>,
  stack: string,
): Record<string, string> {
  return {
    ...selectorLabels(spec, stack),
    "app.kubernetes.io/version": spec.image.slice(spec.image.lastIndexOf(":") + 1),
    "app.kubernetes.io/component": spec.id,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/**
 * A ConfigMap key for a file: its render path, unique in the stack. The name below its
 * directory is not: Prometheus has both prometheus.yml and rules/prometheus.yml.
 */
export function configKey(file: ConfigFile): string {
  return file.renderPath.replace(/\//g, "__");
}

export function volumeName(prefix: string, dir: string): string {
  const slug = dir.replace(/^\//, "").replace(/[^a-z0-9]+/g, "-");
  return `${prefix}-${slug}`.slice(0, 63).replace(/-$/, "");
}

/** Files grouped by the directory they are mounted in: one volume per directory. */
export function groupByDir<T>(files: T[], dirOf: (file: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const file of files) {
    const dir = dirOf(file);
    groups.set(dir, [...(groups.get(dir) ?? []), file]);
  }
  return groups;
}

export function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * An HTTP probe of the health path (liveness and startup: of the liveness path where the
 * program has one), a TCP probe of a port without one, none without a check.
 */
export function probe(
  spec: ServiceSpec<ServiceId>,
  kind: "readiness" | "liveness" | "startup",
  failureThreshold: number,
) {
  if (!spec.health) return undefined;
  const path =
    kind === "readiness" ? spec.health.path : (spec.health.livenessPath ?? spec.health.path);
  const check =
    path === undefined
      ? { tcpSocket: { port: spec.health.port } }
      : { httpGet: { path, port: spec.health.port } };
  return {
    ...check,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

/**
 * How long a container may take to come up before the kubelet restarts it: 30 checks of the
 * startup probe, 10 s apart. A Prometheus replaying a large WAL, or a Jaeger opening a large
 * Badger store, is alive but slow; liveness only starts once the startup probe passed, so a
 * slow start is never killed by it.
 */
export const STARTUP_FAILURE_THRESHOLD = 30;

/** Restricted Pod Security for every service that allows it; host agents get what they need. */
export function podSecurityContext(spec: ServiceSpec<ServiceId>) {
  if (!spec.security.runAsNonRoot) return { seccompProfile: { type: "RuntimeDefault" } };
  const id = spec.security.runAsUser;
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    fsGroup: id,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(spec: ServiceSpec<ServiceId>) {
  if (spec.security.privileged) return { privileged: true };
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: spec.security.readOnlyRootFilesystem,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: spec.security.runAsNonRoot,
  };
}

export function isHostAgent(spec: ServiceSpec<ServiceId>): boolean {
  // The error tracker's services are not in the catalog and never need the host.
  const catalog: Partial<Record<ServiceId, ComponentDefinition>> = CATALOG;
  return catalog[spec.id]?.hostAccess !== undefined;
}
