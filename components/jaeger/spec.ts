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

/**
 * Strategies served to SDKs that use Jaeger's remote sampler: keep every span. The
 * collector samples, once, for the whole stack (components/otel-collector/config.ts: head
 * sampling at the environment's ratio, or tail sampling that keeps every error and slow
 * trace); an SDK that sampled at the ratio too would leave ratio² of the traces (staging
 * 0.5 × 0.5), and one that dropped spans before the collector saw them would lose error
 * traces that tail sampling promises to keep.
 */
export const SDK_SAMPLING_RATE = 1;

export function renderSamplingStrategies() {
  return {
    default_strategy: { type: "probabilistic", param: SDK_SAMPLING_RATE },
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
        content: toJson(renderSamplingStrategies()),
      },
    ],
  });
}
