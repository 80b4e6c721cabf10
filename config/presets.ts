import { ComponentId } from "../components/definition";
import { SENTRY_PRESETS, SentryPreset } from "./sentry-presets";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const TARGETS = ["docker", "kubernetes"] as const;
export type Target = (typeof TARGETS)[number];

export interface ResourceText {
  cpu: string;
  memory: string;
}
export interface ResourcesText {
  requests: ResourceText;
  limits: ResourceText;
}

/**
 * Limits on the sum of every enabled component's limits (times replicas). Dev and staging
 * must fit a small host; prod must be given at least enough to hold a production load.
 */
export interface Budget {
  memory: { max?: string; min?: string };
  cpu: { max?: string; min?: string };
}

export interface Preset {
  target: Target;
  sampling: { ratio: number; tail: { enabled: boolean; latencyThreshold: string } };
  retention: { metrics: string; logs: string; traces: string };
  budget: Budget;
  resources: Record<ComponentId, ResourcesText>;
  storage: Record<ComponentId, string>;
  /** The error tracker: its mode and its services' resources, budgeted apart (config/sentry-presets.ts). */
  sentry: SentryPreset;
}

function resources(cpuLimit: string, memoryLimit: string, cpuRequest: string): ResourcesText {
  // Memory requests equal limits: a container is never scheduled on memory it cannot have.
  return {
    requests: { cpu: cpuRequest, memory: memoryLimit },
    limits: { cpu: cpuLimit, memory: memoryLimit },
  };
}

const SMALL_STORAGE: Record<ComponentId, string> = {
  prometheus: "5Gi",
  alertmanager: "256Mi",
  grafana: "1Gi",
  loki: "5Gi",
  jaeger: "2Gi",
  otelCollector: "0",
  nodeExporter: "0",
  cadvisor: "0",
  kubeStateMetrics: "0",
};

/**
 * The seeds' environments: sampling, retention and budgets per environment. Dev's limits
 * leave about 15 % of its budget free, so a user can raise one component without first
 * lowering another (and `npm run diff` warns only above 90 %).
 */
export const PRESETS: Record<Environment, Preset> = {
  dev: {
    sentry: SENTRY_PRESETS.dev,
    target: "docker",
    sampling: { ratio: 1.0, tail: { enabled: false, latencyThreshold: "2s" } },
    retention: { metrics: "3d", logs: "7d", traces: "1d" },
    budget: { memory: { max: "1536Mi" }, cpu: { max: "2" } },
    resources: {
      prometheus: resources("400m", "320Mi", "100m"),
      alertmanager: resources("100m", "64Mi", "20m"),
      grafana: resources("200m", "192Mi", "50m"),
      loki: resources("250m", "256Mi", "50m"),
      jaeger: resources("200m", "160Mi", "50m"),
      otelCollector: resources("250m", "160Mi", "50m"),
      nodeExporter: resources("100m", "64Mi", "20m"),
      cadvisor: resources("150m", "96Mi", "50m"),
      // Not deployed on Docker (components/kube-state-metrics/definition.ts: onlyOn).
      kubeStateMetrics: resources("100m", "64Mi", "10m"),
    },
    storage: SMALL_STORAGE,
  },
  staging: {
    sentry: SENTRY_PRESETS.staging,
    target: "kubernetes",
    sampling: { ratio: 0.5, tail: { enabled: false, latencyThreshold: "2s" } },
    retention: { metrics: "7d", logs: "14d", traces: "3d" },
    budget: { memory: { max: "2560Mi" }, cpu: { max: "3" } },
    resources: {
      prometheus: resources("800m", "768Mi", "200m"),
      alertmanager: resources("100m", "96Mi", "20m"),
      grafana: resources("300m", "256Mi", "100m"),
      loki: resources("500m", "512Mi", "100m"),
      // 384Mi before kube-state-metrics came in: staging keeps its 2.5 GiB. Jaeger's Badger
      // holds three days of staging's sampled traces well inside 320Mi.
      jaeger: resources("400m", "320Mi", "100m"),
      otelCollector: resources("400m", "256Mi", "100m"),
      nodeExporter: resources("100m", "64Mi", "20m"),
      cadvisor: resources("200m", "128Mi", "50m"),
      // One watch per reported kind on a small cluster: tens of MiB, as kube-prometheus sizes it.
      kubeStateMetrics: resources("100m", "96Mi", "20m"),
    },
    storage: {
      ...SMALL_STORAGE,
      prometheus: "20Gi",
      loki: "20Gi",
      jaeger: "10Gi",
    },
  },
  prod: {
    sentry: SENTRY_PRESETS.prod,
    target: "kubernetes",
    sampling: { ratio: 0.1, tail: { enabled: true, latencyThreshold: "2s" } },
    retention: { metrics: "15d", logs: "30d", traces: "7d" },
    budget: { memory: { min: "4Gi" }, cpu: { min: "4" } },
    resources: {
      prometheus: resources("1500m", "2Gi", "500m"),
      alertmanager: resources("100m", "128Mi", "50m"),
      grafana: resources("500m", "512Mi", "100m"),
      loki: resources("1", "1Gi", "250m"),
      jaeger: resources("500m", "768Mi", "200m"),
      otelCollector: resources("500m", "512Mi", "200m"),
      nodeExporter: resources("100m", "64Mi", "20m"),
      cadvisor: resources("200m", "128Mi", "50m"),
      // Memory grows with the cluster's objects: about 250Mi for a few thousand pods.
      kubeStateMetrics: resources("200m", "256Mi", "50m"),
    },
    storage: {
      ...SMALL_STORAGE,
      prometheus: "100Gi",
      alertmanager: "1Gi",
      grafana: "5Gi",
      loki: "100Gi",
      jaeger: "50Gi",
    },
  },
};
