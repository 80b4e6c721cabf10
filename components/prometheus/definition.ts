import { defineComponent } from "../definition";

export const prometheusDefinition = defineComponent({
  id: "prometheus",
  serviceName: "prometheus",
  displayName: "Prometheus",
  image: { repository: "prom/prometheus", tagPrefix: "v", version: "prometheus" },
  ports: { http: { port: 9090, protocol: "tcp", published: true } },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/-/ready", livenessPath: "/-/healthy" },
  workload: "statefulset",
  dataPath: "/prometheus",
  user: 65534,
  singleReplicaReason:
    "each replica would keep its own TSDB and fire every alert twice; run a second stack for HA",
});
