import { Settings } from "../config/settings";
import { alertmanagerSpec } from "./alertmanager/spec";
import { cadvisorSpec } from "./cadvisor/spec";
import { ComponentId } from "./definition";
import { grafanaSpec } from "./grafana/spec";
import { jaegerSpec } from "./jaeger/spec";
import { kubeStateMetricsSpec } from "./kube-state-metrics/spec";
import { lokiSpec } from "./loki/spec";
import { nodeExporterSpec } from "./node-exporter/spec";
import { otelCollectorSpec } from "./otel-collector/spec";
import { prometheusSpec } from "./prometheus/spec";
import { ServiceSpec } from "./spec";

export const SPEC_BUILDERS: Record<ComponentId, (settings: Settings) => ServiceSpec> = {
  prometheus: prometheusSpec,
  alertmanager: alertmanagerSpec,
  grafana: grafanaSpec,
  loki: lokiSpec,
  jaeger: jaegerSpec,
  otelCollector: otelCollectorSpec,
  nodeExporter: nodeExporterSpec,
  cadvisor: cadvisorSpec,
  kubeStateMetrics: kubeStateMetricsSpec,
};

/** The platform-neutral specs of every enabled component: what both adapters deploy. */
export function buildSpecs(settings: Settings): ServiceSpec[] {
  return Object.values(settings.components)
    .filter((component) => component.enabled)
    .map((component) => SPEC_BUILDERS[component.id](settings));
}
