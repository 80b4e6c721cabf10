import { enabledComponents, isEnabled, runsItself, Settings } from "../config/settings";
import { CATALOG } from "./catalog";
import { ComponentId } from "./definition";

/** One connection the stack makes between two of its components. */
export interface Edge {
  from: ComponentId;
  to: ComponentId;
  /** Port name in the target's definition. */
  port: string;
  purpose: "scrape" | "alerts" | "datasource" | "traces" | "logs" | "metrics";
}

function edge(from: ComponentId, to: ComponentId, port: string, purpose: Edge["purpose"]): Edge {
  return { from, to, port, purpose };
}

/**
 * The stack's wiring graph, among enabled components only. Configs, NetworkPolicies and
 * tests all read it, so a connection is declared once.
 */
export function wiring(settings: Settings): Edge[] {
  const on = (id: ComponentId) => isEnabled(settings, id);
  const edges: Edge[] = [];
  if (on("prometheus")) {
    // A test stack's stand-in (components/loki/stand-in.ts) has none of the component's metrics.
    for (const component of enabledComponents(settings).filter((c) => c.standIn === undefined)) {
      edges.push(edge("prometheus", component.id, CATALOG[component.id].metrics.port, "scrape"));
    }
    if (on("alertmanager")) edges.push(edge("prometheus", "alertmanager", "http", "alerts"));
  }
  if (on("grafana")) {
    if (on("prometheus")) edges.push(edge("grafana", "prometheus", "http", "datasource"));
    if (runsItself(settings, "loki")) edges.push(edge("grafana", "loki", "http", "datasource"));
    if (on("jaeger")) edges.push(edge("grafana", "jaeger", "ui", "datasource"));
    if (on("alertmanager")) edges.push(edge("grafana", "alertmanager", "http", "datasource"));
  }
  if (on("otelCollector")) {
    if (on("jaeger")) edges.push(edge("otelCollector", "jaeger", "otlpGrpc", "traces"));
    if (on("loki")) edges.push(edge("otelCollector", "loki", "http", "logs"));
    if (on("prometheus")) edges.push(edge("otelCollector", "prometheus", "http", "metrics"));
  }
  return edges;
}

export function hasEdge(
  settings: Settings,
  from: ComponentId,
  to: ComponentId,
  purpose: Edge["purpose"],
) {
  return wiring(settings).some((e) => e.from === from && e.to === to && e.purpose === purpose);
}
