import { isEnabled, runsItself, Settings } from "../../config/settings";
import { serviceAddress } from "../spec";
import { issueSearchUrl } from "../sentry/links";
import { CORRELATION_FIELDS, DATASOURCE_UIDS } from "./datasources";

export const GRAFANA_PROVISIONING_DIR = "/etc/grafana/provisioning";
export const GRAFANA_DASHBOARDS_DIR = "/etc/grafana/dashboards";

function prometheusDatasource() {
  return {
    name: "Prometheus",
    uid: DATASOURCE_UIDS.prometheus,
    type: "prometheus",
    access: "proxy",
    url: `http://${serviceAddress("prometheus", "http")}`,
    isDefault: true,
    jsonData: { httpMethod: "POST", timeInterval: "15s" },
  };
}

function lokiDatasource(settings: Settings) {
  const traceLinks = isEnabled(settings, "jaeger")
    ? [
        {
          name: "TraceID",
          matcherType: "label",
          matcherRegex: CORRELATION_FIELDS.traceId,
          datasourceUid: DATASOURCE_UIDS.jaeger,
          url: "${__value.raw}",
        },
      ]
    : [];
  return {
    name: "Loki",
    uid: DATASOURCE_UIDS.loki,
    type: "loki",
    access: "proxy",
    url: `http://${serviceAddress("loki", "http")}`,
    jsonData: {
      maxLines: 1000,
      derivedFields: [
        ...traceLinks,
        {
          name: "CorrelationID",
          matcherType: "label",
          matcherRegex: CORRELATION_FIELDS.correlationId,
          datasourceUid: DATASOURCE_UIDS.loki,
          url: `{service_name=~".+"} | ${CORRELATION_FIELDS.correlationId}="\${__value.raw}"`,
        },
        ...errorLinks(settings),
      ],
    },
  };
}

/** From a log line's correlation ID to the error tracker's issues for it (an external link). */
function errorLinks(settings: Settings) {
  const url = issueSearchUrl(settings);
  return url === undefined
    ? []
    : [
        {
          name: "Errors",
          matcherType: "label",
          matcherRegex: CORRELATION_FIELDS.correlationId,
          url,
          urlDisplayLabel: `Errors in ${settings.sentry.mode === "bugsink" ? "Bugsink" : "Sentry"}`,
        },
      ];
}

function jaegerDatasource(settings: Settings) {
  return {
    name: "Jaeger",
    uid: DATASOURCE_UIDS.jaeger,
    type: "jaeger",
    access: "proxy",
    url: `http://${serviceAddress("jaeger", "ui")}`,
    jsonData: runsItself(settings, "loki")
      ? {
          tracesToLogsV2: {
            datasourceUid: DATASOURCE_UIDS.loki,
            spanStartTimeShift: "-5m",
            spanEndTimeShift: "5m",
            filterByTraceID: true,
            tags: [{ key: "service.name", value: "service_name" }],
          },
        }
      : {},
  };
}

function alertmanagerDatasource() {
  return {
    name: "Alertmanager",
    uid: DATASOURCE_UIDS.alertmanager,
    type: "alertmanager",
    access: "proxy",
    url: `http://${serviceAddress("alertmanager", "http")}`,
    jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
  };
}

/** Datasources for the enabled stores only, so no panel points at a missing backend. */
export function renderDatasources(settings: Settings) {
  return {
    apiVersion: 1,
    datasources: [
      ...(isEnabled(settings, "prometheus") ? [prometheusDatasource()] : []),
      ...(runsItself(settings, "loki") ? [lokiDatasource(settings)] : []),
      ...(isEnabled(settings, "jaeger") ? [jaegerDatasource(settings)] : []),
      ...(isEnabled(settings, "alertmanager") ? [alertmanagerDatasource()] : []),
    ],
  };
}

export function renderDashboardProvider() {
  return {
    apiVersion: 1,
    providers: [
      {
        name: "observability-stack",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: GRAFANA_DASHBOARDS_DIR, foldersFromFilesStructure: true },
      },
    ],
  };
}
