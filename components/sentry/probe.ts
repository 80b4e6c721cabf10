import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import { MODE_SERVICES, TRACKER_SERVICES, TrackerServiceId } from "./definition";
import { inStackSentry, InStackSentry, renderDir, trackerAddress, trackerSpec } from "./spec";

/**
 * Neither Bugsink nor Sentry serves Prometheus metrics, so a blackbox exporter beside them
 * probes their health endpoints: Prometheus scrapes `probe_success` per endpoint (job
 * `error-tracker`), the stack overview shows it and ErrorTrackerDown fires on it.
 */
export const PROBE_JOB = "error-tracker";
export const PROBE_MODULE = "http_2xx";
const CONFIG_DIR = "/etc/blackbox_exporter";

export function renderProbeConfig() {
  return {
    modules: {
      [PROBE_MODULE]: {
        prober: "http",
        timeout: "5s",
        http: { preferred_ip_protocol: "ip4", follow_redirects: false },
      },
    },
  };
}

/** The endpoints the probe checks: every HTTP health path of the mode's services. */
export function probeTargets(sentry: InStackSentry): { service: string; url: string }[] {
  return MODE_SERVICES[sentry.mode]
    .filter((id): id is TrackerServiceId => id !== "probe")
    .map((id) => TRACKER_SERVICES[id])
    .filter((definition) => definition.health?.path !== undefined)
    .map((definition) => ({
      service: definition.serviceName,
      url: `http://${trackerAddress(definition.id, definition.health!.port)}${definition.health!.path}`,
    }));
}

/** Prometheus's scrape job for the probe: one target per endpoint, labelled with its service. */
export function probeScrapeJobs(settings: Settings): Record<string, unknown>[] {
  const sentry = inStackSentry(settings);
  if (!sentry || !settings.components.prometheus.enabled) return [];
  return [
    {
      job_name: PROBE_JOB,
      metrics_path: "/probe",
      params: { module: [PROBE_MODULE] },
      static_configs: probeTargets(sentry).map((target) => ({
        targets: [target.url],
        labels: { service: target.service, tracker: sentry.mode },
      })),
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: trackerAddress("probe", "http") },
      ],
    },
  ];
}

export function probeSpec(
  _settings: Settings,
  sentry: InStackSentry,
): ServiceSpec<TrackerServiceId> {
  return trackerSpec(sentry, "probe", {
    args: [
      `--config.file=${CONFIG_DIR}/config.yml`,
      `--web.listen-address=:${TRACKER_SERVICES.probe.ports.http.port}`,
    ],
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: "config.yml",
        renderPath: `${renderDir(sentry)}/probe/config.yml`,
        content: toYaml(renderProbeConfig()),
      },
    ],
    clients: [CATALOG.prometheus.serviceName],
  });
}
