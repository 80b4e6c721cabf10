import { defineComponent } from "../definition";

export const nodeExporterDefinition = defineComponent({
  id: "nodeExporter",
  serviceName: "node-exporter",
  displayName: "node-exporter",
  image: { repository: "prom/node-exporter", tagPrefix: "v", version: "nodeExporter" },
  ports: { http: { port: 9100, protocol: "tcp", published: false } },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/" },
  workload: "daemonset",
  user: 65534,
  hostAccess: "read-only-host",
  // Otherwise node_network_* and the host pack's network alerts describe its own container.
  hostNetwork: { listenFlag: "--web.listen-address" },
});
