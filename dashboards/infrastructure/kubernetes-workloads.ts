/** The cluster's workloads on the Kubernetes target: pods, controllers, nodes and claims. */
import { Settings } from "../../config/settings";
import {
  kubeDaemonsetStatusDesiredNumberScheduled,
  kubeDaemonsetStatusNumberReady,
  kubeDeploymentSpecReplicas,
  kubeDeploymentStatusReplicasAvailable,
  kubeNodeStatusCondition,
  kubePodContainerStatusRestartsTotal,
  kubePodContainerStatusWaitingReason,
  kubePodStatusPhase,
  kubeStatefulsetReplicas,
  kubeStatefulsetStatusReplicasReady,
} from "../../metrics/exporters/kube-state-metrics";
import {
  KUBELET_JOB,
  kubeletVolumeStatsAvailableBytes,
  kubeletVolumeStatsCapacityBytes,
} from "../../metrics/exporters/kubelet";
import { MetricDefinition } from "../../metrics/types";
import { jobOf } from "../../rules/packs/lib";
import { environmentVariable, prom, timeseries } from "../common";
import { buildDashboard } from "../layout";
import { increase, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";

export const KUBERNETES_WORKLOADS_UID = "kubernetes-workloads";

const job = jobOf("kubeStateMetrics");
const state = { job };

function podsNotRunning() {
  return timeseries("Pods not running, by phase", "short", [
    prom(
      sumBy(
        kubePodStatusPhase,
        ["namespace", "phase"],
        sel(kubePodStatusPhase, { ...state, phase: { re: "Pending|Unknown|Failed" } }),
      ),
      { legend: "{{ namespace }} {{ phase }}" },
    ),
  ]);
}

/** What KubePodCrashLooping watches, beside the other reasons a container waits. */
function containersWaiting() {
  return timeseries("Containers waiting, by reason", "short", [
    prom(
      sumBy(
        kubePodContainerStatusWaitingReason,
        ["namespace", "reason"],
        sel(kubePodContainerStatusWaitingReason, state),
      ),
      { legend: "{{ namespace }} {{ reason }}" },
    ),
  ]);
}

function restarts() {
  return timeseries("Container restarts", "short", [
    prom(
      `topk(10, ${sumBy(
        kubePodContainerStatusRestartsTotal,
        ["namespace", "pod"],
        increase(sel(kubePodContainerStatusRestartsTotal, state), "$__rate_interval"),
      )})`,
      { legend: "{{ namespace }}/{{ pod }}" },
    ),
  ]);
}

/** Replicas asked for minus replicas there: what the three mismatch alerts watch. */
function shortOf(
  title: string,
  wanted: MetricDefinition,
  there: MetricDefinition,
  name: "deployment" | "statefulset" | "daemonset",
) {
  return timeseries(
    title,
    "short",
    [
      prom(`${sel(wanted, state)} - ${sel(there, state)}`, {
        legend: `{{ namespace }}/{{ ${name} }}`,
      }),
    ],
    { min: 0 },
  );
}

function nodesReady() {
  return timeseries(
    "Nodes ready",
    "short",
    [
      prom(sel(kubeNodeStatusCondition, { ...state, condition: "Ready", status: "true" }), {
        legend: "{{ node }}",
      }),
    ],
    { min: 0, max: 1 },
  );
}

/** The free share KubePersistentVolumeFillingUp watches (it fires below its threshold). */
function claimsFree(settings: Settings) {
  const kubelet = { job: KUBELET_JOB };
  return timeseries(
    "Claims: volume space free",
    "percentunit",
    [
      prom(
        `${sel(kubeletVolumeStatsAvailableBytes, kubelet)} / ${sel(kubeletVolumeStatsCapacityBytes, kubelet)}`,
        { legend: "{{ namespace }}/{{ persistentvolumeclaim }}" },
      ),
    ],
    {
      thresholds: alertThresholds(settings, "below", "KubePersistentVolumeFillingUp"),
      min: 0,
      max: 1,
    },
  );
}

export function kubernetesWorkloadsDashboard(settings: Settings) {
  // The kubelets are scraped on the Kubernetes target only; Docker has neither them nor this.
  if (settings.target !== "kubernetes") return undefined;
  return buildDashboard(settings, {
    uid: KUBERNETES_WORKLOADS_UID,
    title: "Kubernetes Workloads",
    folder: "Infrastructure",
    tags: ["infrastructure", "kubernetes"],
    description:
      "Pods, Deployments, StatefulSets, DaemonSets and nodes from kube-state-metrics; claims' volumes from the kubelets.",
    variables: [environmentVariable(settings)],
    rows: [
      {
        title: "Pods",
        requires: ["kubeStateMetrics"],
        panels: [podsNotRunning(), containersWaiting(), restarts()],
      },
      {
        title: "Controllers and nodes",
        requires: ["kubeStateMetrics"],
        panels: [
          shortOf(
            "Deployments: replicas short",
            kubeDeploymentSpecReplicas,
            kubeDeploymentStatusReplicasAvailable,
            "deployment",
          ),
          shortOf(
            "StatefulSets: replicas short",
            kubeStatefulsetReplicas,
            kubeStatefulsetStatusReplicasReady,
            "statefulset",
          ),
          shortOf(
            "DaemonSets: nodes not ready",
            kubeDaemonsetStatusDesiredNumberScheduled,
            kubeDaemonsetStatusNumberReady,
            "daemonset",
          ),
          nodesReady(),
        ],
      },
      { title: "Storage", requires: ["prometheus"], panels: [claimsFree(settings)] },
    ],
  });
}
