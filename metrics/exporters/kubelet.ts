import { gauge } from "../types";

/**
 * The job under which Prometheus scrapes every node's kubelet (`/metrics`, over HTTPS, with its
 * service account's token) on the Kubernetes target. Container metrics come from cAdvisor's
 * DaemonSet, not from the kubelet's `/metrics/cadvisor`: one source, labelled alike on Docker
 * and Kubernetes, so the containers pack and dashboard read both targets the same way.
 */
export const KUBELET_JOB = "kubelet";

/** Volume usage of the claims mounted on the node, by the claim's namespace and name. */
const CLAIM = ["namespace", "persistentvolumeclaim"] as const;

export const kubeletVolumeStatsAvailableBytes = gauge(
  "kubelet_volume_stats_available_bytes",
  "Bytes free on the claim's volume.",
  CLAIM,
);

export const kubeletVolumeStatsCapacityBytes = gauge(
  "kubelet_volume_stats_capacity_bytes",
  "Size of the claim's volume.",
  CLAIM,
);

export const kubeletRunningPods = gauge(
  "kubelet_running_pods",
  "Pods with a running sandbox on the node.",
  [] as const,
);

export const kubeletNodeName = gauge("kubelet_node_name", "1, labelled with the node's name.", [
  "node",
] as const);
