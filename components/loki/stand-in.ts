import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";

/**
 * Loki's stand-in for a test stack (`components.loki.standIn: collector`): Loki cannot be
 * built here (Loki's Go module is AGPL), so the e2e stack runs a second
 * OpenTelemetry collector under Loki's name, which receives OTLP/HTTP on Loki's port and
 * path and prints every record it gets, unchanged, with the debug exporter. The test then
 * reads what our collector really sent to Loki from the stand-in's output. It answers no
 * LogQL and has no Loki metrics: Prometheus does not scrape it and Grafana gets no Loki
 * datasource for it (components/wiring.ts).
 */

const CONFIG_DIR = "/etc/loki-stand-in";

/** Loki's OTLP logs path (Loki 3 serves OTLP under `/otlp`; the exporter adds `/v1/logs`). */
export const LOKI_OTLP_LOGS_PATH = "/otlp/v1/logs";

export function renderLokiStandInConfig() {
  const collector = CATALOG.otelCollector;
  return {
    receivers: {
      otlp: {
        protocols: {
          http: {
            endpoint: `0.0.0.0:${CATALOG.loki.ports.http.port}`,
            logs_url_path: LOKI_OTLP_LOGS_PATH,
          },
        },
      },
    },
    // No processors: what is printed is what arrived.
    exporters: { debug: { verbosity: "detailed" } },
    extensions: {
      health_check: { endpoint: `0.0.0.0:${collector.ports.health.port}` },
    },
    service: {
      extensions: ["health_check"],
      pipelines: { logs: { receivers: ["otlp"], exporters: ["debug"] } },
      // Its own metrics would describe a collector, not Loki: none are served.
      telemetry: { metrics: { level: "none" } },
    },
  };
}

export function lokiStandInSpec(settings: Settings): ServiceSpec {
  const collector = CATALOG.otelCollector;
  const spec = baseSpec(settings, "loki", {
    args: [`--config=${CONFIG_DIR}/config.yml`],
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: "config.yml",
        renderPath: "loki/stand-in.yml",
        content: toYaml(renderLokiStandInConfig()),
      },
    ],
  });
  return {
    ...spec,
    // The collector's health check, as for the collector itself (its image has no wget).
    health: {
      port: collector.ports.health.port,
      path: collector.health.path,
      dockerCheck: collector.dockerHealthCheck !== false,
    },
  };
}
