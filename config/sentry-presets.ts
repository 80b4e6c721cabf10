import { InStackMode, SentryMode, TrackerServiceId } from "../components/sentry/definition";
import type { ResourcesText } from "./presets";

/** The error tracker's defaults in one environment: which mode, and what its services get. */
export interface SentryPreset {
  mode: SentryMode;
  resources: Record<TrackerServiceId, ResourcesText>;
  storage: Partial<Record<TrackerServiceId, string>>;
}

function resources(cpuLimit: string, memoryLimit: string, cpuRequest: string): ResourcesText {
  return {
    requests: { cpu: cpuRequest, memory: memoryLimit },
    limits: { cpu: cpuLimit, memory: memoryLimit },
  };
}

/**
 * Sentry's errors-only set, the same in every environment: its limits sum to about 8.9 GiB
 * and 6 CPUs, above the minimum Sentry states for it (components/sentry/budget.ts).
 */
const SELF_HOSTED: Omit<Record<TrackerServiceId, ResourcesText>, "bugsink" | "probe"> = {
  postgres: resources("1", "1Gi", "250m"),
  redis: resources("250m", "256Mi", "50m"),
  memcached: resources("100m", "128Mi", "20m"),
  kafka: resources("500m", "1Gi", "200m"),
  clickhouse: resources("1", "1536Mi", "250m"),
  snubaApi: resources("250m", "256Mi", "50m"),
  snubaErrorsConsumer: resources("250m", "256Mi", "50m"),
  snubaReplacer: resources("100m", "256Mi", "20m"),
  web: resources("1", "1536Mi", "250m"),
  worker: resources("500m", "1Gi", "200m"),
  cron: resources("100m", "384Mi", "20m"),
  ingestConsumer: resources("250m", "512Mi", "100m"),
  postProcessForwarder: resources("250m", "384Mi", "50m"),
  relay: resources("500m", "512Mi", "100m"),
};
const SELF_HOSTED_STORAGE = {
  postgres: "20Gi",
  redis: "1Gi",
  kafka: "10Gi",
  clickhouse: "20Gi",
} as const;

/** The probe (a blackbox exporter) needs little anywhere. */
const PROBE = resources("100m", "32Mi", "10m");

/**
 * Dev and staging run Bugsink (one container, SQLite on its volume); prod runs Sentry's
 * errors-only set on Kubernetes. Bugsink and the probe are budgeted apart from the stack
 * (components/sentry/budget.ts), so the tracker does not squeeze the telemetry components.
 */
export const SENTRY_PRESETS: Record<"dev" | "staging" | "prod", SentryPreset> = {
  dev: {
    mode: "bugsink",
    resources: { ...SELF_HOSTED, bugsink: resources("500m", "384Mi", "50m"), probe: PROBE },
    storage: { ...SELF_HOSTED_STORAGE, bugsink: "1Gi" },
  },
  staging: {
    mode: "bugsink",
    resources: { ...SELF_HOSTED, bugsink: resources("500m", "512Mi", "100m"), probe: PROBE },
    storage: { ...SELF_HOSTED_STORAGE, bugsink: "5Gi" },
  },
  prod: {
    mode: "self-hosted",
    resources: { ...SELF_HOSTED, bugsink: resources("1", "1Gi", "200m"), probe: PROBE },
    storage: { ...SELF_HOSTED_STORAGE, clickhouse: "50Gi", bugsink: "20Gi" },
  },
};

export type { InStackMode };
