import { counter, gauge } from "../types";

/**
 * Container metrics from cAdvisor (job `cadvisor`). Every series carries `id` (the cgroup),
 * and for containers also `name` and `image`; `name=""` selects cgroups that are not
 * containers (the host, system slices).
 */
const CONTAINER_LABELS = ["id", "name", "image"] as const;

export const containerCpuUsageSecondsTotal = counter(
  "container_cpu_usage_seconds_total",
  "CPU time the container consumed.",
  [...CONTAINER_LABELS, "cpu"] as const,
);

/** Only for containers with a CPU quota. */
export const containerCpuCfsPeriodsTotal = counter(
  "container_cpu_cfs_periods_total",
  "CFS enforcement periods that elapsed.",
  CONTAINER_LABELS,
);

/** Only for containers with a CPU quota. */
export const containerCpuCfsThrottledPeriodsTotal = counter(
  "container_cpu_cfs_throttled_periods_total",
  "CFS enforcement periods in which the container was throttled.",
  CONTAINER_LABELS,
);

export const containerMemoryWorkingSetBytes = gauge(
  "container_memory_working_set_bytes",
  "Working set: the memory the kernel counts against the limit.",
  CONTAINER_LABELS,
);

export const containerMemoryUsageBytes = gauge(
  "container_memory_usage_bytes",
  "Memory in use, including page cache.",
  CONTAINER_LABELS,
);

/** 0 when the container has no memory limit. */
export const containerSpecMemoryLimitBytes = gauge(
  "container_spec_memory_limit_bytes",
  "Memory limit of the container.",
  CONTAINER_LABELS,
);

export const containerLastSeen = gauge(
  "container_last_seen",
  "Unix time cAdvisor last saw the container.",
  CONTAINER_LABELS,
);

export const containerStartTimeSeconds = gauge(
  "container_start_time_seconds",
  "Unix time the container started.",
  CONTAINER_LABELS,
);

export const containerOomEventsTotal = counter(
  "container_oom_events_total",
  "Out-of-memory events in the container.",
  CONTAINER_LABELS,
);
