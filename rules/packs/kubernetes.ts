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
import { sel } from "../../metrics/promql";
import { percent, times } from "../text";
import { RulePack } from "../types";
import { aggregate, fires, increase, jobOf, quiet, series } from "./lib";

const job = jobOf("kubeStateMetrics");
const state = { job };
const kubelet = { job: KUBELET_JOB };
const instance = "kube-state-metrics:8080";

/**
 * The cluster's workloads, from kube-state-metrics and the kubelets: rendered only where
 * Prometheus scrapes them (the Kubernetes target), so a Docker stack carries none of them.
 */
export const kubernetesPack: RulePack = {
  name: "kubernetes",
  description:
    "Pods crash-looping or not ready, Deployments, StatefulSets and DaemonSets short of replicas, claims filling up, nodes not ready.",
  groups: [
    {
      name: "kubernetes-workloads",
      rules: [
        {
          alert: "KubePodCrashLooping",
          severity: "warning",
          for: "15m",
          scrapeJob: job,
          threshold: 2,
          thresholdKind: "count",
          // Either sign of a crash loop: the container waits in CrashLoopBackOff (the reason
          // flickers between restarts, hence max_over_time), or it restarted more than the
          // threshold in 10 minutes. Kubernetes 1.37's kubelet was seen reporting a crash-
          // looping container as terminated throughout its back-off, never as waiting; the
          // restart count rises either way.
          expr: (threshold) =>
            `${aggregate("max", kubePodContainerStatusWaitingReason, ["job", "namespace", "pod", "container"], `max_over_time(${sel(kubePodContainerStatusWaitingReason, { ...state, reason: "CrashLoopBackOff" })}[5m])`)} >= 1 or ${aggregate("max", kubePodContainerStatusRestartsTotal, ["job", "namespace", "pod", "container"], increase(sel(kubePodContainerStatusRestartsTotal, state), "10m"))} > ${threshold}`,
          summary: "A container is crash-looping.",
          description: (t) =>
            `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps exiting: it waits in CrashLoopBackOff, or restarted more than ${times(t)} in 10 minutes.`,
        },
        {
          alert: "KubePodNotReady",
          severity: "warning",
          for: "15m",
          scrapeJob: job,
          expr: () =>
            `${aggregate("max", kubePodStatusPhase, ["job", "namespace", "pod"], sel(kubePodStatusPhase, { ...state, phase: { re: "Pending|Unknown|Failed" } }))} > 0`,
          summary: "A pod has not been running for 15 minutes.",
          description:
            "Pod {{ $labels.namespace }}/{{ $labels.pod }} is Pending, Failed or Unknown: look at its events (kubectl describe pod).",
        },
        {
          alert: "KubeDeploymentReplicasMismatch",
          severity: "warning",
          for: "15m",
          scrapeJob: job,
          expr: () =>
            `${sel(kubeDeploymentSpecReplicas, state)} > ${sel(kubeDeploymentStatusReplicasAvailable, state)}`,
          summary: "A Deployment has fewer available replicas than it asks for.",
          description:
            "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} is {{ $value }} replicas short of its spec.",
        },
        {
          alert: "KubeStatefulSetReplicasMismatch",
          severity: "warning",
          for: "15m",
          scrapeJob: job,
          expr: () =>
            `${sel(kubeStatefulsetReplicas, state)} > ${sel(kubeStatefulsetStatusReplicasReady, state)}`,
          summary: "A StatefulSet has fewer ready replicas than it asks for.",
          description:
            "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} is {{ $value }} replicas short of its spec.",
        },
        {
          alert: "KubeDaemonSetNotReady",
          severity: "warning",
          for: "15m",
          scrapeJob: job,
          expr: () =>
            `${sel(kubeDaemonsetStatusDesiredNumberScheduled, state)} > ${sel(kubeDaemonsetStatusNumberReady, state)}`,
          summary: "A DaemonSet's pod is not ready on every node.",
          description:
            "DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} is not ready on {{ $value }} of the nodes that should run it.",
        },
        {
          alert: "KubeNodeNotReady",
          severity: "critical",
          for: "5m",
          scrapeJob: job,
          expr: () =>
            `${sel(kubeNodeStatusCondition, { ...state, condition: "Ready", status: "true" })} == 0`,
          summary: "A node is not ready.",
          description:
            "Node {{ $labels.node }} has not been Ready for 5 minutes: its kubelet is down or cannot reach the API server; its pods are not being run.",
        },
        {
          alert: "KubePersistentVolumeFillingUp",
          severity: "warning",
          for: "5m",
          scrapeJob: KUBELET_JOB,
          threshold: 0.1,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${sel(kubeletVolumeStatsAvailableBytes, kubelet)} / ${sel(kubeletVolumeStatsCapacityBytes, kubelet)} < ${threshold}`,
          summary: (t) => `A claim's volume has less than ${percent(t)} free.`,
          description:
            "Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} of its volume free: raise its storage size or keep less.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "KubePodCrashLooping while the reason holds for 15 minutes, through the flicker between restarts",
      interval: "1m",
      inputSeries: [
        series(
          kubePodContainerStatusWaitingReason,
          {
            job,
            instance,
            namespace: "shop",
            pod: "api-1",
            uid: "u1",
            container: "api",
            reason: "CrashLoopBackOff",
          },
          "1 1 0 1 1 0 1 1 0 1 1 0 1 1 0 1 1 0 1 1 0 1",
        ),
        series(
          kubePodContainerStatusWaitingReason,
          {
            job,
            instance,
            namespace: "shop",
            pod: "web-1",
            uid: "u2",
            container: "web",
            reason: "ContainerCreating",
          },
          "1x21",
        ),
      ],
      alerts: [
        quiet("KubePodCrashLooping", "14m"),
        fires("KubePodCrashLooping", "20m", {
          severity: "warning",
          job,
          namespace: "shop",
          pod: "api-1",
          container: "api",
        }),
      ],
    },
    {
      name: "KubePodCrashLooping on restarts alone: more than 2 in 10 minutes for 15 minutes; one restart never",
      interval: "1m",
      inputSeries: [
        series(
          kubePodContainerStatusRestartsTotal,
          { job, instance, namespace: "shop", pod: "worker-1", uid: "u3", container: "worker" },
          "0 1 1 2 2 3 3 4 4 5 5 6 6 7 7 8 8 9 9 10 10 11 11 12 12 13",
        ),
        series(
          kubePodContainerStatusRestartsTotal,
          { job, instance, namespace: "shop", pod: "web-2", uid: "u4", container: "web" },
          "0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
        ),
      ],
      alerts: [
        quiet("KubePodCrashLooping", "10m"),
        fires("KubePodCrashLooping", "25m", {
          severity: "warning",
          job,
          namespace: "shop",
          pod: "worker-1",
          container: "worker",
        }),
      ],
    },
    {
      name: "KubePodNotReady for a pod Pending 15 minutes; a Running or Succeeded pod never",
      interval: "1m",
      inputSeries: [
        series(
          kubePodStatusPhase,
          { job, instance, namespace: "shop", pod: "stuck", uid: "u1", phase: "Pending" },
          "1x20",
        ),
        series(
          kubePodStatusPhase,
          { job, instance, namespace: "shop", pod: "stuck", uid: "u1", phase: "Running" },
          "0x20",
        ),
        series(
          kubePodStatusPhase,
          { job, instance, namespace: "shop", pod: "ok", uid: "u2", phase: "Running" },
          "1x20",
        ),
        series(
          kubePodStatusPhase,
          { job, instance, namespace: "shop", pod: "ok", uid: "u2", phase: "Pending" },
          "0x20",
        ),
        series(
          kubePodStatusPhase,
          { job, instance, namespace: "shop", pod: "batch", uid: "u3", phase: "Succeeded" },
          "1x20",
        ),
      ],
      alerts: [
        quiet("KubePodNotReady", "14m"),
        fires("KubePodNotReady", "16m", {
          severity: "warning",
          job,
          namespace: "shop",
          pod: "stuck",
        }),
      ],
    },
    {
      name: "Replica mismatches of Deployments, StatefulSets and DaemonSets after 15 minutes; matched ones never",
      interval: "1m",
      inputSeries: [
        series(
          kubeDeploymentSpecReplicas,
          { job, instance, namespace: "shop", deployment: "api" },
          "3x20",
        ),
        series(
          kubeDeploymentStatusReplicasAvailable,
          { job, instance, namespace: "shop", deployment: "api" },
          "1x20",
        ),
        series(
          kubeDeploymentSpecReplicas,
          { job, instance, namespace: "shop", deployment: "web" },
          "2x20",
        ),
        series(
          kubeDeploymentStatusReplicasAvailable,
          { job, instance, namespace: "shop", deployment: "web" },
          "2x20",
        ),
        series(
          kubeStatefulsetReplicas,
          { job, instance, namespace: "shop", statefulset: "db" },
          "1x20",
        ),
        series(
          kubeStatefulsetStatusReplicasReady,
          { job, instance, namespace: "shop", statefulset: "db" },
          "0x20",
        ),
        series(
          kubeDaemonsetStatusDesiredNumberScheduled,
          { job, instance, namespace: "agents", daemonset: "node" },
          "4x20",
        ),
        series(
          kubeDaemonsetStatusNumberReady,
          { job, instance, namespace: "agents", daemonset: "node" },
          "3x20",
        ),
      ],
      alerts: [
        quiet("KubeDeploymentReplicasMismatch", "14m"),
        fires("KubeDeploymentReplicasMismatch", "16m", {
          severity: "warning",
          job,
          instance,
          namespace: "shop",
          deployment: "api",
        }),
        quiet("KubeStatefulSetReplicasMismatch", "14m"),
        fires("KubeStatefulSetReplicasMismatch", "16m", {
          severity: "warning",
          job,
          instance,
          namespace: "shop",
          statefulset: "db",
        }),
        quiet("KubeDaemonSetNotReady", "14m"),
        fires("KubeDaemonSetNotReady", "16m", {
          severity: "warning",
          job,
          instance,
          namespace: "agents",
          daemonset: "node",
        }),
      ],
    },
    {
      name: "KubeNodeNotReady after 5 minutes not Ready; a Ready node never",
      interval: "1m",
      inputSeries: [
        series(
          kubeNodeStatusCondition,
          { job, instance, node: "n1", condition: "Ready", status: "true" },
          "1 1 0 0 0 0 0 0 0 0",
        ),
        series(
          kubeNodeStatusCondition,
          { job, instance, node: "n2", condition: "Ready", status: "true" },
          "1x9",
        ),
      ],
      alerts: [
        quiet("KubeNodeNotReady", "6m"),
        fires("KubeNodeNotReady", "8m", {
          severity: "critical",
          job,
          instance,
          node: "n1",
          condition: "Ready",
          status: "true",
        }),
      ],
    },
    {
      name: "KubePersistentVolumeFillingUp below 10% free for 5 minutes",
      interval: "1m",
      inputSeries: [
        series(
          kubeletVolumeStatsCapacityBytes,
          {
            job: KUBELET_JOB,
            instance: "node-1",
            namespace: "obs",
            persistentvolumeclaim: "data-prometheus-0",
          },
          "1000x10",
        ),
        series(
          kubeletVolumeStatsAvailableBytes,
          {
            job: KUBELET_JOB,
            instance: "node-1",
            namespace: "obs",
            persistentvolumeclaim: "data-prometheus-0",
          },
          "200 150 90 80 70 60 50 40 30 20",
        ),
        series(
          kubeletVolumeStatsCapacityBytes,
          {
            job: KUBELET_JOB,
            instance: "node-1",
            namespace: "obs",
            persistentvolumeclaim: "data-loki-0",
          },
          "1000x10",
        ),
        series(
          kubeletVolumeStatsAvailableBytes,
          {
            job: KUBELET_JOB,
            instance: "node-1",
            namespace: "obs",
            persistentvolumeclaim: "data-loki-0",
          },
          "110x10",
        ),
      ],
      alerts: [
        quiet("KubePersistentVolumeFillingUp", "6m"),
        fires("KubePersistentVolumeFillingUp", "8m", {
          severity: "warning",
          job: KUBELET_JOB,
          instance: "node-1",
          namespace: "obs",
          persistentvolumeclaim: "data-prometheus-0",
        }),
      ],
    },
  ],
};
