import { hostAgentNamespace } from "../../config/kubernetes-names";
import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { ComponentId } from "../definition";
import { DOCKER_HOST_ALIAS } from "../platforms/docker-host";
import { listenPort, serviceAddress } from "../spec";
import { probeScrapeJobs } from "../sentry/probe";
import { wiring } from "../wiring";
import { definitionsIn } from "../../metrics/types";
import * as kubeletCatalog from "../../metrics/exporters/kubelet";

export const PROMETHEUS_CONFIG_DIR = "/etc/prometheus/config";
export const RULES_DIR = "/etc/prometheus/rules";

type ScrapeConfig = Record<string, unknown>;

/** A component on the host's network has no name on the stack's network: it is the host's port. */
function staticJob(settings: Settings, id: ComponentId): ScrapeConfig {
  const definition = CATALOG[id];
  const target = definition.hostNetwork
    ? `${DOCKER_HOST_ALIAS}:${listenPort(settings, id, definition.metrics.port)}`
    : serviceAddress(id, definition.metrics.port);
  return {
    job_name: definition.serviceName,
    metrics_path: definition.metrics.path,
    static_configs: [{ targets: [target] }],
  };
}

/**
 * On Kubernetes a DaemonSet has one pod per node behind one Service, so Prometheus finds
 * each pod through the Service's endpoints instead of the Service address.
 */
function endpointsJob(id: ComponentId, namespace: string): ScrapeConfig {
  const definition = CATALOG[id];
  return {
    job_name: definition.serviceName,
    metrics_path: definition.metrics.path,
    kubernetes_sd_configs: [{ role: "endpoints", namespaces: { names: [namespace] } }],
    relabel_configs: [
      {
        source_labels: ["__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"],
        regex: `${definition.serviceName};${definition.metrics.port.toLowerCase()}`,
        action: "keep",
      },
      { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" },
    ],
  };
}

// Named in config, which checks the name's length before anything is created.
export { hostAgentNamespace };

function scrapeJob(settings: Settings, id: ComponentId): ScrapeConfig {
  const daemonSet = CATALOG[id].workload === "daemonset";
  return settings.target === "kubernetes" && daemonSet
    ? endpointsJob(id, hostAgentNamespace(settings))
    : staticJob(settings, id);
}

/** Where Kubernetes mounts a pod's service account: its token and the cluster's CA. */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Every node's kubelet, found through the API (role node: the node's address and the
 * kubelet's port), over HTTPS with the service account's token, which the kubelet checks
 * with the API server (its `nodes/metrics` permission). Only the catalog's series are kept:
 * the kubelet's `/metrics` also holds hundreds of its own client and runtime histograms.
 */
function kubeletJob(settings: Settings): ScrapeConfig {
  const kept = definitionsIn(kubeletCatalog).map((metric) => metric.name);
  return {
    job_name: kubeletCatalog.KUBELET_JOB,
    scheme: "https",
    metrics_path: "/metrics",
    authorization: { credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    tls_config: {
      ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
      insecure_skip_verify: !settings.kubernetes.verifyKubeletCertificates,
    },
    kubernetes_sd_configs: [{ role: "node" }],
    relabel_configs: [{ source_labels: ["__meta_kubernetes_node_name"], target_label: "node" }],
    metric_relabel_configs: [
      { source_labels: ["__name__"], regex: `(${kept.join("|")})`, action: "keep" },
    ],
  };
}

/** The kubelets are scraped where there are kubelets: on the Kubernetes target. */
export function scrapesKubelets(settings: Settings): boolean {
  return settings.target === "kubernetes";
}

function scrapeConfigs(settings: Settings): ScrapeConfig[] {
  return [
    ...wiring(settings)
      .filter((edge) => edge.from === "prometheus" && edge.purpose === "scrape")
      .map((edge) => scrapeJob(settings, edge.to)),
    ...(scrapesKubelets(settings) ? [kubeletJob(settings)] : []),
    // The error tracker's health, through its probe (components/sentry/probe.ts).
    ...probeScrapeJobs(settings),
    ...settings.scrapeJobs.map((job) => ({
      job_name: job.job,
      metrics_path: job.metricsPath,
      ...(job.params && { params: job.params }),
      static_configs: [{ targets: job.targets }],
    })),
  ];
}

/** The `job` label values the stack's Prometheus gives the series it scrapes. */
export function scrapeJobNames(settings: Settings): string[] {
  return scrapeConfigs(settings).map((config) => config.job_name as string);
}

export function renderPrometheusConfig(settings: Settings, ruleFileNames: string[]) {
  const edges = wiring(settings).filter((edge) => edge.from === "prometheus");
  const alertmanager = edges.find((edge) => edge.purpose === "alerts");
  return {
    global: {
      scrape_interval: "15s",
      evaluation_interval: "15s",
      external_labels: { environment: settings.environment, stack: settings.stack },
    },
    ...(alertmanager && {
      alerting: {
        alertmanagers: [
          { static_configs: [{ targets: [serviceAddress("alertmanager", "http")] }] },
        ],
      },
    }),
    rule_files: ruleFileNames.map((name) => `${RULES_DIR}/${name}`),
    scrape_configs: scrapeConfigs(settings),
  };
}

export function prometheusArgs(settings: Settings): string[] {
  return [
    `--config.file=${PROMETHEUS_CONFIG_DIR}/prometheus.yml`,
    `--storage.tsdb.path=${CATALOG.prometheus.dataPath}`,
    `--storage.tsdb.retention.time=${settings.retention.metrics.text}`,
    // No --web.enable-lifecycle: nothing here reloads or stops Prometheus over HTTP (a config
    // change rolls the pod), so /-/quit and /-/reload stay closed to whoever reaches the port.
    // The collector forwards OTLP metrics with remote write.
    "--web.enable-remote-write-receiver",
  ];
}
