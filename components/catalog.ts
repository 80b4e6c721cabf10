import { ComponentDefinition, ComponentId } from "./definition";
import { alertmanagerDefinition } from "./alertmanager/definition";
import { cadvisorDefinition } from "./cadvisor/definition";
import { grafanaDefinition } from "./grafana/definition";
import { jaegerDefinition } from "./jaeger/definition";
import { kubeStateMetricsDefinition } from "./kube-state-metrics/definition";
import { lokiDefinition } from "./loki/definition";
import { nodeExporterDefinition } from "./node-exporter/definition";
import { otelCollectorDefinition } from "./otel-collector/definition";
import { prometheusDefinition } from "./prometheus/definition";

export const CATALOG: Record<ComponentId, ComponentDefinition> = {
  prometheus: prometheusDefinition,
  alertmanager: alertmanagerDefinition,
  grafana: grafanaDefinition,
  loki: lokiDefinition,
  jaeger: jaegerDefinition,
  otelCollector: otelCollectorDefinition,
  nodeExporter: nodeExporterDefinition,
  cadvisor: cadvisorDefinition,
  kubeStateMetrics: kubeStateMetricsDefinition,
};
