import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";

/**
 * Which objects kube-state-metrics reports: the kinds the workloads rule pack and dashboard
 * read. Its default is every kind it knows (secrets, leases, webhooks, ...), each a watch on
 * the API server and series nobody reads; the platform grants read access to these only.
 */
export const KUBE_STATE_RESOURCES = [
  "pods",
  "deployments",
  "statefulsets",
  "daemonsets",
  "persistentvolumeclaims",
  "nodes",
] as const;

export function kubeStateMetricsSpec(settings: Settings): ServiceSpec {
  const { ports } = CATALOG.kubeStateMetrics;
  const spec = baseSpec(settings, "kubeStateMetrics", {
    args: [
      `--port=${ports.http.port}`,
      `--telemetry-port=${ports.telemetry.port}`,
      `--resources=${KUBE_STATE_RESOURCES.join(",")}`,
    ],
  });
  return { ...spec, readsClusterState: KUBE_STATE_RESOURCES };
}
