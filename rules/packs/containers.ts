import {
  containerCpuCfsPeriodsTotal,
  containerCpuCfsThrottledPeriodsTotal,
  containerCpuUsageSecondsTotal,
  containerLastSeen,
  containerMemoryWorkingSetBytes,
  containerOomEventsTotal,
  containerSpecMemoryLimitBytes,
  containerStartTimeSeconds,
} from "../../metrics/exporters/cadvisor";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { percent, seconds, times } from "../text";
import { fires, increase, jobOf, quiet, rate, record, recorded, series, sumBy } from "./lib";

const job = jobOf("cadvisor");
/** Containers only: cgroups without a container name are the host and its slices. */
const containers = { job, name: { ne: "" } };

export const containerCpuRate = recorded(
  "name:container_cpu_usage_seconds:rate5m",
  "CPU seconds per second a container uses, per container name.",
  ["job", "instance", "name"] as const,
);

const throttled = (metric: typeof containerCpuCfsPeriodsTotal) =>
  sumBy(metric, ["job", "instance", "name"], increase(sel(metric, containers), "5m"));

/** Containers, from cAdvisor. */
export const containersPack: RulePack = {
  name: "containers",
  description: "Containers near their memory limit, CPU throttling, OOM kills and restarts.",
  groups: [
    {
      name: "containers",
      rules: [
        record(
          containerCpuRate,
          sumBy(
            containerCpuUsageSecondsTotal,
            ["job", "instance", "name"],
            rate(sel(containerCpuUsageSecondsTotal, containers), "5m"),
          ),
        ),
        {
          alert: "ContainerMemoryNearLimit",
          severity: "warning",
          for: "5m",
          threshold: 0.9,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${sel(containerMemoryWorkingSetBytes, containers)} / (${sel(containerSpecMemoryLimitBytes, containers)} > 0) > ${threshold}`,
          summary: (t) => `A container uses more than ${percent(t)} of its memory limit.`,
          description:
            "{{ $labels.name }} on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its memory limit; the kernel kills it at 100%.",
        },
        {
          alert: "ContainerCpuThrottled",
          severity: "warning",
          for: "15m",
          threshold: 0.25,
          thresholdKind: "ratio",
          expr: (threshold) =>
            `${throttled(containerCpuCfsThrottledPeriodsTotal)} / ${throttled(containerCpuCfsPeriodsTotal)} > ${threshold}`,
          summary: (t) => `A container is CPU-throttled in more than ${percent(t)} of its periods.`,
          description:
            "{{ $labels.name }} on {{ $labels.instance }} was throttled in {{ $value | humanizePercentage }} of its CPU periods: raise its CPU limit or make it do less.",
        },
        {
          alert: "ContainerOomKilled",
          severity: "warning",
          threshold: 0,
          thresholdKind: "count",
          expr: (threshold) =>
            `${increase(sel(containerOomEventsTotal, containers), "5m")} > ${threshold}`,
          summary: "A container ran out of memory.",
          description:
            "{{ $labels.name }} on {{ $labels.instance }} had {{ $value | humanize }} out-of-memory events in the last 5 minutes.",
        },
        {
          alert: "ContainerRestarting",
          severity: "warning",
          threshold: 2,
          thresholdKind: "count",
          expr: (threshold) =>
            `changes(${sel(containerStartTimeSeconds, containers)}[15m]) > ${threshold}`,
          summary: (t) => `A container restarted more than ${times(t)} in 15 minutes.`,
          description:
            "{{ $labels.name }} on {{ $labels.instance }} started {{ $value }} times in 15 minutes: it is crash-looping.",
        },
        {
          alert: "ContainerNotSeen",
          severity: "warning",
          threshold: 60,
          thresholdKind: "seconds",
          expr: (threshold) => `time() - ${sel(containerLastSeen, containers)} > ${threshold}`,
          summary: (t) => `cAdvisor has not seen a container for more than ${seconds(t)}.`,
          description:
            "{{ $labels.name }} on {{ $labels.instance }} was last seen {{ $value | humanizeDuration }} ago: it stopped or was removed.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "ContainerMemoryNearLimit above 90% of the limit; containers without a limit never",
      interval: "1m",
      inputSeries: [
        series(
          containerMemoryWorkingSetBytes,
          { job, instance: "host-1", id: "/docker/a", name: "loki", image: "grafana/loki" },
          "950000000x10",
        ),
        series(
          containerSpecMemoryLimitBytes,
          { job, instance: "host-1", id: "/docker/a", name: "loki", image: "grafana/loki" },
          "1000000000x10",
        ),
        series(
          containerMemoryWorkingSetBytes,
          { job, instance: "host-1", id: "/docker/b", name: "grafana", image: "grafana/grafana" },
          "890000000x10",
        ),
        series(
          containerSpecMemoryLimitBytes,
          { job, instance: "host-1", id: "/docker/b", name: "grafana", image: "grafana/grafana" },
          "1000000000x10",
        ),
        series(
          containerMemoryWorkingSetBytes,
          {
            job,
            instance: "host-1",
            id: "/docker/c",
            name: "jaeger",
            image: "jaegertracing/jaeger",
          },
          "5000000000x10",
        ),
        series(
          containerSpecMemoryLimitBytes,
          {
            job,
            instance: "host-1",
            id: "/docker/c",
            name: "jaeger",
            image: "jaegertracing/jaeger",
          },
          "0x10",
        ),
      ],
      alerts: [
        quiet("ContainerMemoryNearLimit", "4m"),
        fires("ContainerMemoryNearLimit", "6m", {
          severity: "warning",
          job,
          instance: "host-1",
          id: "/docker/a",
          name: "loki",
          image: "grafana/loki",
        }),
      ],
    },
    {
      name: "ContainerCpuThrottled in more than 25% of periods for 15 minutes",
      interval: "1m",
      inputSeries: [
        series(
          containerCpuCfsPeriodsTotal,
          { job, instance: "host-1", id: "/docker/a", name: "prometheus" },
          "0+600x30",
        ),
        series(
          containerCpuCfsThrottledPeriodsTotal,
          { job, instance: "host-1", id: "/docker/a", name: "prometheus" },
          "0+180x30",
        ),
        series(
          containerCpuCfsPeriodsTotal,
          { job, instance: "host-1", id: "/docker/b", name: "loki" },
          "0+600x30",
        ),
        series(
          containerCpuCfsThrottledPeriodsTotal,
          { job, instance: "host-1", id: "/docker/b", name: "loki" },
          "0+140x30",
        ),
      ],
      alerts: [
        quiet("ContainerCpuThrottled", "14m"),
        fires("ContainerCpuThrottled", "20m", {
          severity: "warning",
          job,
          instance: "host-1",
          name: "prometheus",
        }),
      ],
    },
    {
      name: "ContainerOomKilled, ContainerRestarting and ContainerNotSeen",
      interval: "1m",
      inputSeries: [
        series(
          containerOomEventsTotal,
          { job, instance: "host-1", id: "/docker/a", name: "loki" },
          "0 0 1 1 1 1 1 1 1 1 1 1",
        ),
        series(
          containerOomEventsTotal,
          { job, instance: "host-1", id: "/docker/b", name: "grafana" },
          "0x11",
        ),
        // loki starts 3 times in 15 minutes, grafana twice.
        series(
          containerStartTimeSeconds,
          { job, instance: "host-1", id: "/docker/a", name: "loki" },
          "0 0 120 120 240 240 360 360 360 360 360 360",
        ),
        series(
          containerStartTimeSeconds,
          { job, instance: "host-1", id: "/docker/b", name: "grafana" },
          "0 0 120 120 240 240 240 240 240 240 240 240",
        ),
        // loki was last seen at 3m; grafana is seen at every scrape.
        series(
          containerLastSeen,
          { job, instance: "host-1", id: "/docker/a", name: "loki" },
          "0+60x3 180x8",
        ),
        series(
          containerLastSeen,
          { job, instance: "host-1", id: "/docker/b", name: "grafana" },
          "0+60x11",
        ),
      ],
      alerts: [
        fires("ContainerOomKilled", "3m", {
          job,
          instance: "host-1",
          id: "/docker/a",
          name: "loki",
          severity: "warning",
        }),
        quiet("ContainerOomKilled", "9m"),
        quiet("ContainerRestarting", "5m"),
        fires("ContainerRestarting", "7m", {
          job,
          instance: "host-1",
          id: "/docker/a",
          name: "loki",
          severity: "warning",
        }),
        quiet("ContainerNotSeen", "4m"),
        fires("ContainerNotSeen", "6m", {
          job,
          instance: "host-1",
          id: "/docker/a",
          name: "loki",
          severity: "warning",
        }),
      ],
    },
  ],
};
