import { defineComponent } from "../definition";

export const grafanaDefinition = defineComponent({
  id: "grafana",
  serviceName: "grafana",
  displayName: "Grafana",
  image: { repository: "grafana/grafana", version: "grafana" },
  ports: { http: { port: 3000, protocol: "tcp", published: true } },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/api/health" },
  workload: "statefulset",
  dataPath: "/var/lib/grafana",
  user: 472,
  writableRoot: true,
  singleReplicaReason: "Grafana keeps its state in SQLite on its own volume",
});
