import { defineComponent } from "../definition";

export const alertmanagerDefinition = defineComponent({
  id: "alertmanager",
  serviceName: "alertmanager",
  displayName: "Alertmanager",
  image: { repository: "prom/alertmanager", tagPrefix: "v", version: "alertmanager" },
  ports: { http: { port: 9093, protocol: "tcp", published: true } },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/-/ready", livenessPath: "/-/healthy" },
  workload: "statefulset",
  dataPath: "/alertmanager",
  user: 65534,
  singleReplicaReason:
    "replicas need gossip peering (--cluster.peer), which this stack does not configure yet",
});
