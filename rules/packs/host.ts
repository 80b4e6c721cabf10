import {
  nodeCpuSecondsTotal,
  nodeFilesystemAvailBytes,
  nodeFilesystemReadonly,
  nodeFilesystemSizeBytes,
  nodeLoad1,
  nodeMemoryMemAvailableBytes,
  nodeMemoryMemTotalBytes,
  nodeNetworkReceiveErrsTotal,
  nodeNetworkReceivePacketsTotal,
  nodeTimexOffsetSeconds,
  nodeVmstatOomKill,
} from "../../metrics/exporters/node-exporter";
import { Matchers, sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { percent, seconds, times } from "../text";
import {
  aggregate,
  fires,
  increase,
  jobOf,
  quiet,
  rate,
  record,
  recorded,
  series,
  sumBy,
} from "./lib";

const job = jobOf("nodeExporter");

// Per-host series shared with the Infrastructure Overview dashboard (node-mixin names).
export const hostCpuUtilisation = recorded(
  "instance:node_cpu_utilisation:rate5m",
  "Share of CPU time not idle, per host.",
  ["job", "instance"] as const,
);
export const hostCpuCount = recorded("instance:node_num_cpu:sum", "CPUs per host.", [
  "job",
  "instance",
] as const);
export const hostLoadPerCpu = recorded(
  "instance:node_load1_per_cpu:ratio",
  "1-minute load average per CPU, per host.",
  ["job", "instance"] as const,
);
export const hostMemoryUtilisation = recorded(
  "instance:node_memory_utilisation:ratio",
  "Share of memory not available for new work, per host.",
  ["job", "instance"] as const,
);

const idle = sel(nodeCpuSecondsTotal, { job, mode: "idle" });
/** Real, writable filesystems: not memory-backed, not container layers. */
const disks: Matchers<typeof nodeFilesystemAvailBytes> = {
  job,
  fstype: { nre: "tmpfs|ramfs|squashfs|overlay|nsfs|fuse.lxcfs" },
  mountpoint: { ne: "" },
};
const availableRatio = `${sel(nodeFilesystemAvailBytes, disks)} / ${sel(nodeFilesystemSizeBytes, disks)}`;
const writable = `${sel(nodeFilesystemReadonly, disks)} == 0`;

/** Hosts, from node-exporter. */
export const hostPack: RulePack = {
  name: "host",
  description: "CPU, memory, load, disk space and its trend, OOM kills, network errors, clock.",
  groups: [
    {
      name: "host",
      rules: [
        record(
          hostCpuUtilisation,
          `1 - ${aggregate("avg", nodeCpuSecondsTotal, ["job", "instance"], rate(idle, "5m"))}`,
        ),
        record(hostCpuCount, aggregate("count", nodeCpuSecondsTotal, ["job", "instance"], idle)),
        record(
          hostLoadPerCpu,
          `${sumBy(nodeLoad1, ["job", "instance"], sel(nodeLoad1, { job }))} / ${sel(hostCpuCount)}`,
        ),
        record(
          hostMemoryUtilisation,
          `1 - ${sumBy(nodeMemoryMemAvailableBytes, ["job", "instance"], sel(nodeMemoryMemAvailableBytes, { job }))} / ${sumBy(nodeMemoryMemTotalBytes, ["job", "instance"], sel(nodeMemoryMemTotalBytes, { job }))}`,
        ),
        {
          alert: "HostHighCpuUsage",
          severity: "warning",
          for: "15m",
          threshold: 0.9,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(hostCpuUtilisation)} > ${threshold}`,
          summary: (t) => `A host's CPUs are more than ${percent(t)} busy.`,
          description: "{{ $labels.instance }} has been {{ $value | humanizePercentage }} busy.",
        },
        {
          alert: "HostHighMemoryUsage",
          severity: "warning",
          for: "10m",
          threshold: 0.9,
          thresholdKind: "ratio",
          expr: (threshold) => `${sel(hostMemoryUtilisation)} > ${threshold}`,
          // The threshold is the share in use; people think of what is left.
          summary: (t) => `Less than ${percent(1 - t)} of a host's memory is available.`,
          description:
            "{{ $value | humanizePercentage }} of the memory of {{ $labels.instance }} is in use; the kernel will soon reclaim caches or kill processes.",
        },
        {
          alert: "HostHighLoad",
          severity: "warning",
          for: "15m",
          threshold: 2,
          thresholdKind: "factor",
          expr: (threshold) => `${sel(hostLoadPerCpu)} > ${threshold}`,
          summary: (t) => `A host's load average is more than ${times(t)} its CPU count.`,
          description:
            "{{ $labels.instance }} has a 1-minute load of {{ $value | humanize }} per CPU: work waits for CPU or I/O.",
        },
        {
          alert: "HostDiskWillFillIn24Hours",
          severity: "warning",
          for: "1h",
          threshold: 24,
          thresholdKind: "hours",
          expr: (hours) =>
            `(${availableRatio} < 0.4 and predict_linear(${sel(nodeFilesystemAvailBytes, disks)}[6h], ${hours} * 3600) < 0 and ${writable})`,
          summary: (hours) =>
            `A filesystem will be full within ${seconds(hours * 3600)} at its current rate.`,
          description: (hours) =>
            `{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanizePercentage }} free and fills up within ${seconds(hours * 3600)} at the rate of the last 6 hours.`,
        },
        {
          alert: "HostDiskSpaceLow",
          severity: "warning",
          for: "15m",
          threshold: 0.1,
          thresholdKind: "ratio",
          expr: (threshold) => `(${availableRatio} < ${threshold} and ${writable})`,
          summary: (t) => `A filesystem has less than ${percent(t)} free space.`,
          description:
            "{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanizePercentage }} free.",
        },
        {
          alert: "HostDiskSpaceCritical",
          severity: "critical",
          for: "5m",
          threshold: 0.05,
          thresholdKind: "ratio",
          expr: (threshold) => `(${availableRatio} < ${threshold} and ${writable})`,
          summary: (t) => `A filesystem has less than ${percent(t)} free space.`,
          description:
            "{{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} has {{ $value | humanizePercentage }} free; writes will fail soon.",
        },
        {
          alert: "HostOomKillDetected",
          severity: "warning",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) => `${increase(sel(nodeVmstatOomKill, { job }), "5m")} > ${threshold}`,
          summary: "The kernel killed a process for lack of memory.",
          description:
            "{{ $labels.instance }} had {{ $value | humanize }} OOM kills in the last 5 minutes.",
        },
        {
          alert: "HostNetworkReceiveErrors",
          severity: "warning",
          for: "10m",
          threshold: 0.01,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${rate(sel(nodeNetworkReceiveErrsTotal, { job }), "5m")} / ${rate(sel(nodeNetworkReceivePacketsTotal, { job }), "5m")} > ${threshold}`,
          summary: (t) =>
            `More than ${percent(t)} of the packets a network interface receives are errors.`,
          description:
            "{{ $labels.device }} on {{ $labels.instance }} reports receive errors for {{ $value | humanizePercentage }} of its packets.",
        },
        {
          alert: "HostClockSkew",
          severity: "warning",
          for: "10m",
          threshold: 0.05,
          thresholdKind: "seconds",
          expr: (threshold) => `abs(${sel(nodeTimexOffsetSeconds, { job })}) > ${threshold}`,
          summary: (t) => `A host's clock is off by more than ${seconds(t)}.`,
          description:
            "The clock of {{ $labels.instance }} is {{ $value | humanizeDuration }} off; check NTP. Skewed clocks misorder logs and traces.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "HostHighCpuUsage above 90% for 15 minutes",
      interval: "1m",
      inputSeries: [
        // host-1 idles 5% of each CPU second; host-2 12%.
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-1", cpu: "0", mode: "idle" },
          "1000+3x30",
        ),
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-1", cpu: "1", mode: "idle" },
          "1000+3x30",
        ),
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-2", cpu: "0", mode: "idle" },
          "1000+7.2x30",
        ),
      ],
      alerts: [
        quiet("HostHighCpuUsage", "14m"),
        fires("HostHighCpuUsage", "20m", { severity: "warning", job, instance: "host-1" }),
      ],
    },
    {
      name: "HostHighLoad above 2 per CPU, HostHighMemoryUsage above 90%",
      interval: "1m",
      inputSeries: [
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-1", cpu: "0", mode: "idle" },
          "1000+30x30",
        ),
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-1", cpu: "1", mode: "idle" },
          "1000+30x30",
        ),
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-2", cpu: "0", mode: "idle" },
          "1000+30x30",
        ),
        series(
          nodeCpuSecondsTotal,
          { job, instance: "host-2", cpu: "1", mode: "idle" },
          "1000+30x30",
        ),
        // 2.5 and 1.95 per CPU.
        series(nodeLoad1, { job, instance: "host-1" }, "5x30"),
        series(nodeLoad1, { job, instance: "host-2" }, "3.9x30"),
        // 93.75% and 89.4% of 16 GB in use.
        series(nodeMemoryMemTotalBytes, { job, instance: "host-1" }, "16000000000x30"),
        series(nodeMemoryMemAvailableBytes, { job, instance: "host-1" }, "1000000000x30"),
        series(nodeMemoryMemTotalBytes, { job, instance: "host-2" }, "16000000000x30"),
        series(nodeMemoryMemAvailableBytes, { job, instance: "host-2" }, "1700000000x30"),
      ],
      alerts: [
        quiet("HostHighLoad", "14m"),
        fires("HostHighLoad", "16m", { severity: "warning", job, instance: "host-1" }),
        quiet("HostHighMemoryUsage", "9m"),
        fires("HostHighMemoryUsage", "11m", { severity: "warning", job, instance: "host-1" }),
      ],
    },
    {
      name: "HostDiskWillFillIn24Hours from the trend of the last 6 hours",
      // Samples closer together than the 5-minute lookback, so the alert stays pending.
      interval: "2m",
      inputSeries: [
        // /data loses 6 GB an hour from 50 GB; /logs 1.08 GB an hour from 30 GB, so at 200m
        // its 26.4 GB last 24.4 hours: just more than a day.
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "100000000000x120",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "50000000000-200000000x120",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "0x120",
        ),
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "ext4", mountpoint: "/logs" },
          "100000000000x120",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "ext4", mountpoint: "/logs" },
          "30000000000-36000000x120",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "ext4", mountpoint: "/logs" },
          "0x120",
        ),
        // A shrinking tmpfs is not a disk.
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" },
          "1000000000x120",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" },
          "300000000-1000000x120",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" },
          "0x120",
        ),
      ],
      alerts: [
        quiet("HostDiskWillFillIn24Hours", "150m"),
        fires("HostDiskWillFillIn24Hours", "200m", {
          severity: "warning",
          job,
          instance: "host-1",
          device: "/dev/sdb",
          fstype: "ext4",
          mountpoint: "/data",
        }),
      ],
    },
    {
      name: "HostDiskSpaceLow below 10% free, HostDiskSpaceCritical below 5%",
      interval: "1m",
      inputSeries: [
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "100000000000x30",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "8000000000x30",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sdb", fstype: "ext4", mountpoint: "/data" },
          "0x30",
        ),
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "xfs", mountpoint: "/var" },
          "100000000000x30",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "xfs", mountpoint: "/var" },
          "4000000000x30",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sdc", fstype: "xfs", mountpoint: "/var" },
          "0x30",
        ),
        // 5.5% free: low, not critical.
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sde", fstype: "ext4", mountpoint: "/srv" },
          "100000000000x30",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sde", fstype: "ext4", mountpoint: "/srv" },
          "5500000000x30",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sde", fstype: "ext4", mountpoint: "/srv" },
          "0x30",
        ),
        // 10% free exactly, and a full read-only image: neither counts.
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sdd", fstype: "ext4", mountpoint: "/home" },
          "100000000000x30",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sdd", fstype: "ext4", mountpoint: "/home" },
          "10000000000x30",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sdd", fstype: "ext4", mountpoint: "/home" },
          "0x30",
        ),
        series(
          nodeFilesystemSizeBytes,
          { job, instance: "host-1", device: "/dev/sr0", fstype: "iso9660", mountpoint: "/media" },
          "700000000x30",
        ),
        series(
          nodeFilesystemAvailBytes,
          { job, instance: "host-1", device: "/dev/sr0", fstype: "iso9660", mountpoint: "/media" },
          "0x30",
        ),
        series(
          nodeFilesystemReadonly,
          { job, instance: "host-1", device: "/dev/sr0", fstype: "iso9660", mountpoint: "/media" },
          "1x30",
        ),
      ],
      alerts: [
        quiet("HostDiskSpaceLow", "14m"),
        fires(
          "HostDiskSpaceLow",
          "16m",
          {
            severity: "warning",
            job,
            instance: "host-1",
            device: "/dev/sdb",
            fstype: "ext4",
            mountpoint: "/data",
          },
          {
            severity: "warning",
            job,
            instance: "host-1",
            device: "/dev/sdc",
            fstype: "xfs",
            mountpoint: "/var",
          },
          {
            severity: "warning",
            job,
            instance: "host-1",
            device: "/dev/sde",
            fstype: "ext4",
            mountpoint: "/srv",
          },
        ),
        quiet("HostDiskSpaceCritical", "4m"),
        fires("HostDiskSpaceCritical", "6m", {
          severity: "critical",
          job,
          instance: "host-1",
          device: "/dev/sdc",
          fstype: "xfs",
          mountpoint: "/var",
        }),
      ],
    },
    {
      name: "HostOomKillDetected, HostNetworkReceiveErrors, HostClockSkew",
      interval: "1m",
      inputSeries: [
        series(
          nodeVmstatOomKill,
          { job, instance: "host-1" },
          "0 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
        ),
        series(nodeVmstatOomKill, { job, instance: "host-2" }, "2x20"),
        // eth0: 2% errors; eth1: 0.9%.
        series(nodeNetworkReceiveErrsTotal, { job, instance: "host-1", device: "eth0" }, "0+2x20"),
        series(
          nodeNetworkReceivePacketsTotal,
          { job, instance: "host-1", device: "eth0" },
          "0+100x20",
        ),
        series(
          nodeNetworkReceiveErrsTotal,
          { job, instance: "host-1", device: "eth1" },
          "0+0.9x20",
        ),
        series(
          nodeNetworkReceivePacketsTotal,
          { job, instance: "host-1", device: "eth1" },
          "0+100x20",
        ),
        series(nodeTimexOffsetSeconds, { job, instance: "host-1" }, "0.1x20"),
        series(nodeTimexOffsetSeconds, { job, instance: "host-2" }, "-0.048x20"),
        series(nodeTimexOffsetSeconds, { job, instance: "host-3" }, "-0.08x20"),
      ],
      alerts: [
        fires("HostOomKillDetected", "4m", { severity: "warning", job, instance: "host-1" }),
        quiet("HostOomKillDetected", "15m"),
        quiet("HostNetworkReceiveErrors", "9m"),
        fires("HostNetworkReceiveErrors", "12m", {
          severity: "warning",
          job,
          instance: "host-1",
          device: "eth0",
        }),
        quiet("HostClockSkew", "9m"),
        fires(
          "HostClockSkew",
          "11m",
          { severity: "warning", job, instance: "host-1" },
          { severity: "warning", job, instance: "host-3" },
        ),
      ],
    },
  ],
};
