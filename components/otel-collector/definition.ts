import { defineComponent } from "../definition";

export const otelCollectorDefinition = defineComponent({
  id: "otelCollector",
  serviceName: "otel-collector",
  displayName: "OpenTelemetry collector",
  image: { repository: "otel/opentelemetry-collector-contrib", version: "otelCollector" },
  ports: {
    otlpGrpc: { port: 4317, protocol: "tcp", published: true, intake: true },
    otlpHttp: { port: 4318, protocol: "tcp", published: true, intake: true },
    metrics: { port: 8888, protocol: "tcp", published: false },
    health: { port: 13133, protocol: "tcp", published: false },
  },
  metrics: { port: "metrics", path: "/metrics" },
  health: { port: "health", path: "/" },
  workload: "deployment",
  user: 10001,
  dockerHealthCheck: false,
});
