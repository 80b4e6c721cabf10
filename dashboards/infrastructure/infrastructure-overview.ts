/** 004 "Infrastructure Overview": hosts, containers and the database. */
import { Settings } from "../../config/settings";
import { dbQueryDurationSeconds } from "../../metrics/application";
import {
  containerCpuCfsPeriodsTotal,
  containerCpuCfsThrottledPeriodsTotal,
  containerMemoryWorkingSetBytes,
  containerOomEventsTotal,
  containerSpecMemoryLimitBytes,
} from "../../metrics/exporters/cadvisor";
import {
  nodeFilesystemAvailBytes,
  nodeFilesystemSizeBytes,
  nodeNetworkReceiveErrsTotal,
  nodeNetworkReceivePacketsTotal,
} from "../../metrics/exporters/node-exporter";
import { Matchers } from "../../metrics/promql";
import { containerCpuRate } from "../../rules/packs/containers";
import { hostCpuUtilisation, hostLoadPerCpu, hostMemoryUtilisation } from "../../rules/packs/host";
import { jobOf } from "../../rules/packs/lib";
import {
  environmentVariable,
  INSTANCE,
  instanceVariable,
  prom,
  serviceVariable,
  timeseries,
} from "../common";
import { buildDashboard } from "../layout";
import { poolUtilisation, queryLatencyP95 } from "../panels/database";
import { increase, rate, sel, sumBy } from "../promql";
import { alertThresholds } from "../thresholds";
import { up } from "../../metrics/exporters/prometheus";

export const INFRASTRUCTURE_OVERVIEW_UID = "infrastructure-overview";

const node = jobOf("nodeExporter");
const cadvisor = jobOf("cadvisor");
const host = { instance: INSTANCE };

function cpu(settings: Settings) {
  return timeseries(
    "Host CPU in use",
    "percentunit",
    [prom(sel(hostCpuUtilisation, host), { legend: "{{ instance }}" })],
    { thresholds: alertThresholds(settings, "above", "HostHighCpuUsage"), min: 0, max: 1 },
  );
}

function memory(settings: Settings) {
  return timeseries(
    "Host memory in use",
    "percentunit",
    [prom(sel(hostMemoryUtilisation, host), { legend: "{{ instance }}" })],
    { thresholds: alertThresholds(settings, "above", "HostHighMemoryUsage"), min: 0, max: 1 },
  );
}

function load(settings: Settings) {
  return timeseries(
    "Load per CPU (1 min)",
    "short",
    [prom(sel(hostLoadPerCpu, host), { legend: "{{ instance }}" })],
    { thresholds: alertThresholds(settings, "above", "HostHighLoad"), min: 0 },
  );
}

/** The free share HostDiskSpaceLow and HostDiskSpaceCritical watch (they fire below it). */
function diskFree(settings: Settings) {
  const disks: Matchers<typeof nodeFilesystemAvailBytes> = {
    job: node,
    instance: INSTANCE,
    fstype: { nre: "tmpfs|ramfs|squashfs|overlay|nsfs|fuse.lxcfs" },
    mountpoint: { ne: "" },
  };
  return timeseries(
    "Filesystem space free",
    "percentunit",
    [
      prom(`${sel(nodeFilesystemAvailBytes, disks)} / ${sel(nodeFilesystemSizeBytes, disks)}`, {
        legend: "{{ instance }} {{ mountpoint }}",
      }),
    ],
    {
      thresholds: alertThresholds(settings, "below", "HostDiskSpaceLow", "HostDiskSpaceCritical"),
      min: 0,
      max: 1,
    },
  );
}

/** The share of received packets in error that HostNetworkReceiveErrors watches. */
function networkErrors(settings: Settings) {
  const matchers = { job: node, instance: INSTANCE };
  return timeseries(
    "Network receive errors",
    "percentunit",
    [
      prom(
        `${rate(sel(nodeNetworkReceiveErrsTotal, matchers), "5m")} / ${rate(sel(nodeNetworkReceivePacketsTotal, matchers), "5m")}`,
        { legend: "{{ instance }} {{ device }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "HostNetworkReceiveErrors"), min: 0 },
  );
}

const containers = { job: cadvisor, name: { ne: "" } };

function containerCpu() {
  return timeseries("Container CPU (cores)", "short", [
    prom(`topk(10, ${sel(containerCpuRate, { job: cadvisor })})`, { legend: "{{ name }}" }),
  ]);
}

function containerMemory() {
  return timeseries("Container memory (working set)", "bytes", [
    prom(
      `topk(10, ${sumBy(containerMemoryWorkingSetBytes, ["name"], sel(containerMemoryWorkingSetBytes, containers))})`,
      { legend: "{{ name }}" },
    ),
  ]);
}

/** The share of its limit ContainerMemoryNearLimit watches (containers with a limit only). */
function containerMemoryLimit(settings: Settings) {
  return timeseries(
    "Container memory against its limit",
    "percentunit",
    [
      prom(
        `${sel(containerMemoryWorkingSetBytes, containers)} / (${sel(containerSpecMemoryLimitBytes, containers)} > 0)`,
        { legend: "{{ name }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "ContainerMemoryNearLimit"), min: 0, max: 1 },
  );
}

/** The throttled share of CFS periods ContainerCpuThrottled watches. */
function containerThrottling(settings: Settings) {
  const periods = (metric: typeof containerCpuCfsPeriodsTotal) =>
    sumBy(metric, ["job", "instance", "name"], increase(sel(metric, containers), "5m"));
  return timeseries(
    "Container CPU throttling",
    "percentunit",
    [
      prom(
        `${periods(containerCpuCfsThrottledPeriodsTotal)} / ${periods(containerCpuCfsPeriodsTotal)}`,
        { legend: "{{ name }}" },
      ),
    ],
    { thresholds: alertThresholds(settings, "above", "ContainerCpuThrottled"), min: 0, max: 1 },
  );
}

function containerOoms() {
  return timeseries("Container OOM events", "short", [
    prom(
      sumBy(
        containerOomEventsTotal,
        ["name"],
        increase(sel(containerOomEventsTotal, containers), "$__rate_interval"),
      ),
      { legend: "{{ name }}" },
    ),
  ]);
}

export function infrastructureOverviewDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: INFRASTRUCTURE_OVERVIEW_UID,
    title: "Infrastructure Overview",
    folder: "Infrastructure",
    tags: ["infrastructure"],
    description:
      "Host resources from node-exporter, containers from cAdvisor, and database performance.",
    variables: [
      environmentVariable(settings),
      instanceVariable(node, up),
      serviceVariable(dbQueryDurationSeconds),
    ],
    rows: [
      {
        title: "Hosts",
        requires: ["nodeExporter"],
        panels: [
          cpu(settings).span(8),
          memory(settings).span(8),
          load(settings).span(8),
          diskFree(settings),
          networkErrors(settings),
        ],
      },
      {
        title: "Containers",
        requires: ["cadvisor"],
        panels: [
          containerCpu(),
          containerMemory(),
          containerMemoryLimit(settings),
          containerThrottling(settings),
          containerOoms().span(24),
        ],
      },
      { title: "Database", panels: [queryLatencyP95(settings), poolUtilisation()] },
    ],
  });
}
