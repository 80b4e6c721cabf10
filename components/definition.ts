import versions from "../versions.json";

/** Every service the stack can run, by the key it has in stack config. */
export const COMPONENT_IDS = [
  "prometheus",
  "alertmanager",
  "grafana",
  "loki",
  "jaeger",
  "otelCollector",
  "nodeExporter",
  "cadvisor",
  "kubeStateMetrics",
] as const;
export type ComponentId = (typeof COMPONENT_IDS)[number];

export type Workload = "deployment" | "statefulset" | "daemonset";

export interface PortDefinition {
  port: number;
  protocol: "tcp" | "udp";
  /** Reachable from outside the stack (a host port on Docker, a Service port on Kubernetes). */
  published: boolean;
  /**
   * Receives the user's services' telemetry (the collector's OTLP, the error tracker's
   * events), not people: on Kubernetes it admits `kubernetes.networkPolicy.telemetryFrom`.
   */
  intake?: boolean;
}

/** The static facts of one component: what it is, whatever the environment or platform. */
export interface ComponentDefinition<P extends string = string> {
  id: ComponentId;
  /** DNS name on the stack's network (Docker alias, Kubernetes Service). */
  serviceName: string;
  displayName: string;
  image: { repository: string; tagPrefix: string; version: string };
  ports: Record<P, PortDefinition>;
  /** Where Prometheus scrapes the component's own metrics. */
  metrics: { port: NoInfer<P>; path: string };
  /**
   * Readiness: `path` answers when the component can serve. `livenessPath`, where the program
   * has one (Prometheus' /-/healthy), answers while the process works even when it is not
   * ready, so Kubernetes restarts it only then; without one, liveness asks `path` too.
   */
  health: { port: NoInfer<P>; path: string; livenessPath?: string };
  workload: Workload;
  /** Mount path of the component's persistent data, if it keeps any. */
  dataPath?: string;
  /**
   * False when the official image has no directory at `dataPath` owned by its user (Jaeger's
   * has none): a new volume there is root's until the platform hands it over.
   */
  dataPathInImage?: false;
  /** Numeric user the image runs as; the security context uses it. */
  user: number;
  /**
   * False when the official image holds only the binary, with no program to run a Docker
   * health check with; Kubernetes probes over HTTP still apply.
   */
  dockerHealthCheck?: false;
  /** The image writes outside its data volume (plugins, caches), so its root cannot be read-only. */
  writableRoot?: boolean;
  /** Why more than one replica would be wrong; absent when the component scales out. */
  singleReplicaReason?: string;
  /** Needs the host's filesystem, processes or cgroups (node-exporter, cAdvisor). */
  hostAccess?: "read-only-host" | "privileged";
  /**
   * Runs in the host's network namespace, so what it reports about the network is the
   * host's, not its container's (node-exporter). Its ports are then ports of the host:
   * `components.<id>.ports.<name>` says which it listens on (default: `port`), and the
   * platform says on which address (`listenFlag` names the program's flag for it).
   */
  hostNetwork?: { listenFlag: string };
  /**
   * Runs on one target only (kube-state-metrics, which reads a Kubernetes API): enabled there
   * by default, absent elsewhere, and config that would enable it elsewhere is refused.
   */
  onlyOn?: { target: "kubernetes"; reason: string };
}

export function defineComponent<P extends string>(
  definition: Omit<ComponentDefinition<P>, "image"> & {
    image: { repository: string; tagPrefix?: string; version: keyof typeof versions.components };
  },
): ComponentDefinition<P> {
  const { repository, tagPrefix = "", version } = definition.image;
  return {
    ...definition,
    image: { repository, tagPrefix, version: versions.components[version] },
  };
}

export function defaultImageTag(definition: ComponentDefinition): string {
  return `${definition.image.tagPrefix}${definition.image.version}`;
}
