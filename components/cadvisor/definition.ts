import { defineComponent } from "../definition";

export const cadvisorDefinition = defineComponent({
  id: "cadvisor",
  serviceName: "cadvisor",
  displayName: "cAdvisor",
  image: { repository: "ghcr.io/google/cadvisor", tagPrefix: "v", version: "cadvisor" },
  ports: { http: { port: 8080, protocol: "tcp", published: false } },
  metrics: { port: "http", path: "/metrics" },
  health: { port: "http", path: "/healthz" },
  workload: "daemonset",
  user: 0,
  hostAccess: "privileged",
});
