/**
 * The metric catalogs as one list, for the checks that read every catalog at once (the
 * dashboard checks, the rule tests, the live judgement): a new exporter catalog is added
 * here, once, and each of them sees it.
 */
import * as application from "./application";
import * as alertmanager from "./exporters/alertmanager";
import * as blackbox from "./exporters/blackbox";
import * as cadvisor from "./exporters/cadvisor";
import * as jaeger from "./exporters/jaeger";
import * as kubeStateMetrics from "./exporters/kube-state-metrics";
import * as kubelet from "./exporters/kubelet";
import * as loki from "./exporters/loki";
import * as nodeExporter from "./exporters/node-exporter";
import * as otelCollector from "./exporters/otel-collector";
import * as prometheus from "./exporters/prometheus";
import { definitionsIn, seriesNames } from "./types";

/** Each exporter's catalog module, by the program that exposes the metrics. */
export const EXPORTER_CATALOGS = {
  alertmanager,
  blackbox,
  cadvisor,
  jaeger,
  kubeStateMetrics,
  kubelet,
  loki,
  nodeExporter,
  otelCollector,
  prometheus,
} as const;

export type ExporterCatalogName = keyof typeof EXPORTER_CATALOGS;

/** Every series name of a catalog module: histograms with `_bucket`, `_sum` and `_count`. */
export function catalogSeries(catalog: unknown): string[] {
  return definitionsIn(catalog).flatMap(seriesNames);
}

/** Every series name in the application and exporter catalogs. */
export const CATALOG_SERIES: ReadonlySet<string> = new Set(
  [application, ...Object.values(EXPORTER_CATALOGS)].flatMap(catalogSeries),
);
