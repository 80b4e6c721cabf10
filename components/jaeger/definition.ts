import { defineComponent } from "../definition";

export const jaegerDefinition = defineComponent({
  id: "jaeger",
  serviceName: "jaeger",
  displayName: "Jaeger",
  image: { repository: "jaegertracing/jaeger", version: "jaeger" },
  ports: {
    ui: { port: 16686, protocol: "tcp", published: true },
    otlpGrpc: { port: 4317, protocol: "tcp", published: false },
    otlpHttp: { port: 4318, protocol: "tcp", published: false },
    sampling: { port: 5778, protocol: "tcp", published: false },
    metrics: { port: 8888, protocol: "tcp", published: false },
    health: { port: 13133, protocol: "tcp", published: false },
  },
  metrics: { port: "metrics", path: "/metrics" },
  health: { port: "health", path: "/status" },
  workload: "statefulset",
  dataPath: "/badger",
  // jaegertracing/jaeger (alpine, USER 10001) makes no /badger: only its /tmp is writable.
  dataPathInImage: false,
  user: 10001,
  singleReplicaReason: "Badger storage is a local embedded database",
});
