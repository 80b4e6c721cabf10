import { toGoDuration } from "../../config/duration";
import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";
import { toJson, toYaml } from "../yaml";

const CONFIG_DIR = "/etc/jaeger";
const STORE = "main_store";

function listen(port: keyof typeof CATALOG.jaeger.ports): string {
  return `0.0.0.0:${CATALOG.jaeger.ports[port].port}`;
}

/** Strategies served to SDKs that use Jaeger's remote sampler: the environment's ratio. */
export function renderSamplingStrategies(settings: Settings) {
  return {
    default_strategy: { type: "probabilistic", param: settings.sampling.ratio },
    service_strategies: [],
  };
}

export function renderJaegerConfig(settings: Settings) {
  const data = CATALOG.jaeger.dataPath;
  return {
    service: {
      extensions: ["jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2"],
      pipelines: {
        traces: {
          receivers: ["otlp"],
          processors: ["batch"],
          exporters: ["jaeger_storage_exporter"],
        },
      },
      telemetry: {
        metrics: {
          level: "detailed",
          readers: [
            {
              pull: {
                exporter: {
                  prometheus: { host: "0.0.0.0", port: CATALOG.jaeger.ports.metrics.port },
                },
              },
            },
          ],
        },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: listen("health") } },
      jaeger_query: { storage: { traces: STORE }, http: { endpoint: listen("ui") } },
      jaeger_storage: {
        backends: {
          [STORE]: {
            badger: {
              directories: { keys: `${data}/keys`, values: `${data}/values` },
              ephemeral: false,
              ttl: { spans: toGoDuration(settings.retention.traces) },
            },
          },
        },
      },
      remote_sampling: {
        file: { path: `${CONFIG_DIR}/sampling.json`, reload_interval: "30s" },
        http: { endpoint: listen("sampling") },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: listen("otlpGrpc") },
          http: { endpoint: listen("otlpHttp") },
        },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}

export function jaegerSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "jaeger", {
    args: [`--config=${CONFIG_DIR}/config.yml`],
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: "config.yml",
        renderPath: "jaeger/config.yml",
        content: toYaml(renderJaegerConfig(settings)),
      },
      {
        dir: CONFIG_DIR,
        file: "sampling.json",
        renderPath: "jaeger/sampling.json",
        content: toJson(renderSamplingStrategies(settings)),
      },
    ],
  });
}
