import { defineComponent } from "../definition";

/**
 * kube-state-metrics: the state of the cluster's objects (pods, Deployments, StatefulSets,
 * claims, nodes) as metrics, read from the Kubernetes API. The official image
 * (registry.k8s.io, distroless, user nobody) starts `/kube-state-metrics --port=8080
 * --telemetry-port=8081`; the spec passes both ports again, so the definition's are the ones
 * in force whatever the image's defaults become.
 */
export const kubeStateMetricsDefinition = defineComponent({
  id: "kubeStateMetrics",
  serviceName: "kube-state-metrics",
  displayName: "kube-state-metrics",
  image: {
    repository: "registry.k8s.io/kube-state-metrics/kube-state-metrics",
    tagPrefix: "v",
    version: "kubeStateMetrics",
  },
  ports: {
    http: { port: 8080, protocol: "tcp", published: false },
    telemetry: { port: 8081, protocol: "tcp", published: false },
  },
  metrics: { port: "http", path: "/metrics" },
  // /readyz (telemetry port) answers once its own registry gathers; /livez on the metrics
  // port asks the API server's /livez, so it would restart the exporter whenever the
  // control plane is away, which brings nothing back.
  health: { port: "telemetry", path: "/readyz" },
  workload: "deployment",
  user: 65534,
  // The official image holds only the binary: no shell or wget for a Docker health check.
  dockerHealthCheck: false,
  onlyOn: {
    target: "kubernetes",
    reason: "it reports the objects of a Kubernetes cluster, read from its API",
  },
});
