import { counter, gauge, MetricDefinition } from "../types";

/** Host metrics from node-exporter (job `node-exporter`), as its default collectors name them. */

export const nodeCpuSecondsTotal = counter(
  "node_cpu_seconds_total",
  "Seconds the CPUs spent in each mode.",
  ["cpu", "mode"] as const,
);

export const nodeMemoryMemAvailableBytes = gauge(
  "node_memory_MemAvailable_bytes",
  "Memory available for new work without swapping (MemAvailable in /proc/meminfo).",
  [] as const,
);

export const nodeMemoryMemTotalBytes = gauge(
  "node_memory_MemTotal_bytes",
  "Total usable memory (MemTotal in /proc/meminfo).",
  [] as const,
);

const FILESYSTEM_LABELS = ["device", "fstype", "mountpoint"] as const;

export const nodeFilesystemAvailBytes = gauge(
  "node_filesystem_avail_bytes",
  "Filesystem space available to non-root users.",
  FILESYSTEM_LABELS,
);

export const nodeFilesystemSizeBytes = gauge(
  "node_filesystem_size_bytes",
  "Filesystem size.",
  FILESYSTEM_LABELS,
);

export const nodeFilesystemReadonly = gauge(
  "node_filesystem_readonly",
  "1 when the filesystem is mounted read-only.",
  FILESYSTEM_LABELS,
);

export const nodeLoad1 = gauge("node_load1", "1-minute load average.", [] as const);
export const nodeLoad5 = gauge("node_load5", "5-minute load average.", [] as const);
export const nodeLoad15 = gauge("node_load15", "15-minute load average.", [] as const);

export const nodeNetworkReceiveErrsTotal = counter(
  "node_network_receive_errs_total",
  "Receive errors, by network device.",
  ["device"] as const,
);

export const nodeNetworkReceivePacketsTotal = counter(
  "node_network_receive_packets_total",
  "Packets received, by network device.",
  ["device"] as const,
);

export const nodeNetworkTransmitErrsTotal = counter(
  "node_network_transmit_errs_total",
  "Transmit errors, by network device.",
  ["device"] as const,
);

export const nodeNetworkTransmitPacketsTotal = counter(
  "node_network_transmit_packets_total",
  "Packets transmitted, by network device.",
  ["device"] as const,
);

/**
 * The kernel's OOM-kill count from /proc/vmstat. node-exporter exposes vmstat fields
 * untyped and without `_total`; it only ever grows, so rules treat it as a counter.
 */
export const nodeVmstatOomKill: MetricDefinition<never> = {
  name: "node_vmstat_oom_kill",
  help: "OOM kills since boot (oom_kill in /proc/vmstat).",
  type: "counter",
  labelNames: [],
};

export const nodeTimexOffsetSeconds = gauge(
  "node_timex_offset_seconds",
  "Time offset between the local clock and the reference clock.",
  [] as const,
);
