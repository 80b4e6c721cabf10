import {
  kubeDaemonsetStatusDesiredNumberScheduled,
  kubeDaemonsetStatusNumberReady,
  kubeDeploymentSpecReplicas,
  kubeDeploymentStatusReplicasAvailable,
  kubeNodeStatusCondition,
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
import { percent } from "../text";
import { RulePack } from "../types";
import { aggregate, fires, jobOf, quiet, series } from "./lib";

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
          // max_over_time: between restarts the container is Running for a moment, and the
          // reason flickers; the pod is still crash-looping.
          expr: () =>
            `max_over_time(${sel(kubePodContainerStatusWaitingReason, { ...state, reason: "CrashLoopBackOff" })}[5m]) >= 1`,
          summary: "A container is crash-looping.",
          description:
            "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} keeps exiting and waits in CrashLoopBackOff.",
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
          instance,
          namespace: "shop",
          pod: "api-1",
          uid: "u1",
          container: "api",
          reason: "CrashLoopBackOff",
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
