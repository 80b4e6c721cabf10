import { counter, gauge } from "../types";

/**
 * The cluster's objects from kube-state-metrics (job `kube-state-metrics`), for the kinds
 * the stack asks it to report (KUBE_STATE_RESOURCES). Each series names its object by the
 * object's namespace and name; Prometheus scrapes the exporter's Service, so `instance` is
 * the exporter, never the object.
 */
const POD = ["namespace", "pod", "uid"] as const;
const CONTAINER = [...POD, "container"] as const;

export const kubePodContainerStatusWaitingReason = gauge(
  "kube_pod_container_status_waiting_reason",
  "1 while the container waits for the given reason (CrashLoopBackOff, ImagePullBackOff, ...).",
  [...CONTAINER, "reason"] as const,
);

export const kubePodContainerStatusRestartsTotal = counter(
  "kube_pod_container_status_restarts_total",
  "Restarts of the container.",
  CONTAINER,
);

export const kubePodStatusPhase = gauge(
  "kube_pod_status_phase",
  "1 for the pod's current phase (Pending, Running, Succeeded, Failed, Unknown).",
  [...POD, "phase"] as const,
);

export const kubePodStatusReady = gauge(
  "kube_pod_status_ready",
  "1 for the pod's Ready condition status (true, false, unknown).",
  [...POD, "condition"] as const,
);

export const kubeDeploymentSpecReplicas = gauge(
  "kube_deployment_spec_replicas",
  "Replicas the Deployment asks for.",
  ["namespace", "deployment"] as const,
);

export const kubeDeploymentStatusReplicasAvailable = gauge(
  "kube_deployment_status_replicas_available",
  "Replicas of the Deployment that are available.",
  ["namespace", "deployment"] as const,
);

export const kubeStatefulsetReplicas = gauge(
  "kube_statefulset_replicas",
  "Replicas the StatefulSet asks for.",
  ["namespace", "statefulset"] as const,
);

export const kubeStatefulsetStatusReplicasReady = gauge(
  "kube_statefulset_status_replicas_ready",
  "Replicas of the StatefulSet that are ready.",
  ["namespace", "statefulset"] as const,
);

export const kubeDaemonsetStatusDesiredNumberScheduled = gauge(
  "kube_daemonset_status_desired_number_scheduled",
  "Nodes that should run a pod of the DaemonSet.",
  ["namespace", "daemonset"] as const,
);

export const kubeDaemonsetStatusNumberReady = gauge(
  "kube_daemonset_status_number_ready",
  "Nodes whose pod of the DaemonSet is ready.",
  ["namespace", "daemonset"] as const,
);

export const kubeNodeStatusCondition = gauge(
  "kube_node_status_condition",
  "1 for the status (true, false, unknown) of each of the node's conditions.",
  ["node", "condition", "status"] as const,
);

export const kubePersistentvolumeclaimStatusPhase = gauge(
  "kube_persistentvolumeclaim_status_phase",
  "1 for the claim's current phase (Pending, Bound, Lost).",
  ["namespace", "persistentvolumeclaim", "phase"] as const,
);
