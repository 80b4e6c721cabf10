import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { serviceAddress } from "../spec";
import { hasEdge } from "../wiring";
import { REDACTION_PROCESSOR, redactionProcessor } from "./redaction";

function listen(port: keyof typeof CATALOG.otelCollector.ports): string {
  return `0.0.0.0:${CATALOG.otelCollector.ports[port].port}`;
}

/** Probabilistic head sampling, or tail sampling that keeps every error and slow trace. */
export function samplingProcessor(settings: Settings): Record<string, unknown> {
  const { ratio, tail } = settings.sampling;
  const percentage = Math.round(ratio * 10000) / 100;
  if (!tail.enabled) {
    return { probabilistic_sampler: { sampling_percentage: percentage } };
  }
  return {
    tail_sampling: {
      decision_wait: "10s",
      num_traces: 50000,
      policies: [
        { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
        {
          name: "slow",
          type: "latency",
          latency: { threshold_ms: tail.latencyThreshold.milliseconds },
        },
        {
          name: "baseline",
          type: "probabilistic",
          probabilistic: { sampling_percentage: percentage },
        },
      ],
    },
  };
}

/**
 * The rule packs and dashboards group application metrics by a `service` label, which the
 * prom-client registry (metrics/registry.ts) sets on scraped series. A service that pushes
 * OTLP names itself in the resource attribute `service.name` instead; the remote write
 * exporter turns that into `job` only, so the metric would match no rule. It is copied to
 * each data point's `service` unless the point names one itself.
 */
export const SERVICE_LABEL_PROCESSOR = "transform/service_label";

function serviceLabelProcessor() {
  return {
    [SERVICE_LABEL_PROCESSOR]: {
      error_mode: "ignore",
      metric_statements: [
        {
          context: "datapoint",
          statements: [
            'set(attributes["service"], resource.attributes["service.name"]) where attributes["service"] == nil',
          ],
        },
      ],
    },
  };
}

export function renderCollectorConfig(settings: Settings) {
  const sampler = samplingProcessor(settings);
  const samplerName = Object.keys(sampler)[0];
  const common = ["memory_limiter", REDACTION_PROCESSOR];
  const exporters: Record<string, unknown> = {};
  const pipelines: Record<string, unknown> = {};
  const receivers = ["otlp"];
  if (hasEdge(settings, "otelCollector", "jaeger", "traces")) {
    exporters["otlp_grpc/jaeger"] = {
      endpoint: serviceAddress("jaeger", "otlpGrpc"),
      tls: { insecure: true },
    };
    pipelines.traces = {
      receivers,
      processors: [...common, samplerName, "batch"],
      exporters: ["otlp_grpc/jaeger"],
    };
  }
  if (hasEdge(settings, "otelCollector", "loki", "logs")) {
    exporters["otlp_http/loki"] = { endpoint: `http://${serviceAddress("loki", "http")}/otlp` };
    pipelines.logs = { receivers, processors: [...common, "batch"], exporters: ["otlp_http/loki"] };
  }
  if (hasEdge(settings, "otelCollector", "prometheus", "metrics")) {
    // Collector 0.161 names `prometheusremotewrite` a deprecated alias. No resource attribute
    // becomes a label of every series (`resource_constant_labels`): `service.name`,
    // `service.namespace` and `service.instance.id` give `job` and `instance`, the others stay
    // on the one `target_info` series per resource, for joins where a query needs them.
    exporters.prometheus_remote_write = {
      endpoint: `http://${serviceAddress("prometheus", "http")}/api/v1/write`,
    };
    pipelines.metrics = {
      receivers,
      processors: [...common, SERVICE_LABEL_PROCESSOR, "batch"],
      exporters: ["prometheus_remote_write"],
    };
  }
  if (Object.keys(pipelines).length === 0) {
    // Every store is disabled: keep the collector valid and say what it drops.
    exporters.debug = { verbosity: "basic" };
    pipelines.traces = { receivers, processors: ["memory_limiter"], exporters: ["debug"] };
  }
  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: listen("otlpGrpc") },
          http: { endpoint: listen("otlpHttp") },
        },
      },
    },
    processors: {
      // Percentages of the container's memory limit, so the limit is stated once.
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
      batch: { send_batch_size: 8192, timeout: "5s" },
      ...redactionProcessor(),
      ...(pipelines.metrics ? serviceLabelProcessor() : {}),
      ...sampler,
    },
    exporters,
    extensions: { health_check: { endpoint: listen("health") } },
    service: {
      extensions: ["health_check"],
      pipelines,
      telemetry: {
        metrics: {
          readers: [
            {
              pull: {
                exporter: {
                  prometheus: { host: "0.0.0.0", port: CATALOG.otelCollector.ports.metrics.port },
                },
              },
            },
          ],
        },
      },
    },
  };
}
