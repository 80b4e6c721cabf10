/** Panels every stack component's dashboard shares: is it scraped, how much memory it holds. */
import { MappingType } from "@grafana/grafana-foundation-sdk/dashboard";
import { ComponentId } from "../../components/definition";
import { processResidentMemoryBytes } from "../../metrics/application";
import { up } from "../../metrics/exporters/prometheus";
import { by } from "../../metrics/promql";
import { jobOf } from "../../rules/packs/lib";
import { environmentVariable, INSTANCE, instanceVariable, prom, stat, timeseries } from "../common";
import { Settings } from "../../config/settings";
import { sel } from "../promql";

/**
 * Components whose own metrics include `process_resident_memory_bytes` (the Prometheus Go
 * client's process collector). Jaeger and the collector report memory under other names.
 */
export const PROCESS_METRICS_COMPONENTS: readonly ComponentId[] = [
  "prometheus",
  "alertmanager",
  "grafana",
  "loki",
  "nodeExporter",
  "cadvisor",
];

export const UP_MAPPINGS = [
  {
    type: MappingType.ValueToText as const,
    options: { "0": { text: "down", index: 0 }, "1": { text: "up", index: 1 } },
  },
];
export const UP_COLORS = [
  { value: null, color: "red" },
  { value: 1, color: "green" },
];

/** Whether Prometheus reaches each instance of the component. */
export function scrapeUp(id: ComponentId) {
  return stat(
    "Scrape target",
    "none",
    [
      prom(sel(up, { job: jobOf(id), instance: INSTANCE }), {
        legend: "{{ instance }}",
        instant: true,
      }),
    ],
    { thresholds: UP_COLORS, width: 6, height: 6 },
  ).mappings(UP_MAPPINGS);
}

/** Resident memory per instance, for components that report it. */
export function processMemory(id: ComponentId) {
  if (!PROCESS_METRICS_COMPONENTS.includes(id)) return undefined;
  return timeseries(
    "Resident memory",
    "bytes",
    [
      prom(
        `max ${by(processResidentMemoryBytes, "instance")} (${sel(processResidentMemoryBytes, { job: jobOf(id), instance: INSTANCE })})`,
        { legend: "{{ instance }}" },
      ),
    ],
    { min: 0, width: 18, height: 6 },
  );
}

/** The variables of a component's dashboard: the environment and the component's instances. */
export function componentVariables(settings: Settings, id: ComponentId) {
  return [environmentVariable(settings), instanceVariable(jobOf(id), up)];
}
