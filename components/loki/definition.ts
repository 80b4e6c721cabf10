import { defineComponent } from "../definition";

export const lokiDefinition = defineComponent({
  id: "loki",
  serviceName: "loki",
  displayName: "Loki",
  image: { repository: "grafana/loki", version: "loki" },
  ports: {
    http: { port: 3100, protocol: "tcp", published: true },
    grpc: { port: 9096, protocol: "tcp", published: false },
  },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/ready" },
  workload: "statefulset",
  dataPath: "/loki",
  user: 10001,
  singleReplicaReason: "single-binary Loki on a filesystem store cannot share its chunks",
});
