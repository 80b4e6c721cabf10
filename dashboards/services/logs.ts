/**
 * Application logs in Loki: the last hour's errors, and every line of one request by its
 * correlation ID. A log line links to its trace through the Loki datasource's derived field
 * on `trace_id` (components/grafana/config.ts), and a span links back to its logs through
 * the Jaeger datasource's `tracesToLogsV2`; this dashboard adds a link from a correlation ID
 * to the traces that carry it.
 */
import { DashboardLinkBuilder, DashboardLinkType } from "@grafana/grafana-foundation-sdk/dashboard";
import { CORRELATION_FIELDS, DATASOURCE_UIDS } from "../../components/grafana/datasources";
import { isEnabled, Settings } from "../../config/settings";
import {
  environmentVariable,
  loki,
  logs,
  lokiServiceVariable,
  stat,
  textboxVariable,
  timeseries,
} from "../common";
import { buildDashboard } from "../layout";
import { labelFilter, stream } from "../logql";

export const LOGS_UID = "logs";

/** Lines of the selected services in this environment (or with no environment set). */
const SERVICE_STREAM = stream({
  service_name: ["=~", "$service"],
  deployment_environment: ["=~", "$environment|"],
});
const ERRORS = labelFilter("detected_level", "=~", "error|critical|fatal");
const CORRELATION = labelFilter(
  CORRELATION_FIELDS.correlationId,
  "=~",
  "${correlation_id:regex}.*",
);

function errorCount() {
  return stat(
    "Errors in the last hour",
    "short",
    [loki(`sum(count_over_time(${SERVICE_STREAM} ${ERRORS} [1h]))`, { instant: true })],
    {
      width: 6,
      height: 8,
      thresholds: [
        { value: null, color: "green" },
        { value: 1, color: "red" },
      ],
    },
  )
    .noValue("0")
    .timeFrom("1h");
}

function errorsOverTime() {
  return timeseries(
    "Errors by service",
    "short",
    [
      loki(`sum by (service_name) (count_over_time(${SERVICE_STREAM} ${ERRORS} [$__auto]))`, {
        legend: "{{ service_name }}",
      }),
    ],
    { width: 18, height: 8, stacked: true },
  );
}

function errorLines() {
  return logs("Error lines, last hour", [loki(`${SERVICE_STREAM} ${ERRORS}`, { maxLines: 500 })], {
    description: "Open a line's details for the link to its trace in Jaeger (from trace_id).",
  }).timeFrom("1h");
}

/** Jaeger's search for traces tagged with the correlation ID, in Explore. */
function tracesOfCorrelationId() {
  const pane = {
    traces: {
      datasource: DATASOURCE_UIDS.jaeger,
      queries: [
        {
          refId: "A",
          datasource: { type: "jaeger", uid: DATASOURCE_UIDS.jaeger },
          queryType: "search",
          service: "@SERVICE@",
          tags: `${CORRELATION_FIELDS.correlationId}=@ID@`,
        },
      ],
      range: { from: "@FROM@", to: "@TO@" },
    },
  };
  const url = `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(pane))}`
    .replace("%40SERVICE%40", "${service:percentencode}")
    .replace("%40ID%40", "${correlation_id:percentencode}")
    .replace("%40FROM%40", "${__from}")
    .replace("%40TO%40", "${__to}");
  return new DashboardLinkBuilder("Traces with this correlation ID (Jaeger)")
    .type(DashboardLinkType.Link)
    .url(url)
    .targetBlank(true);
}

function requestLines(settings: Settings) {
  const panel = logs(
    "Lines by correlation ID",
    [loki(`${SERVICE_STREAM} ${CORRELATION} |= "$search"`, { maxLines: 1000 })],
    {
      description:
        "Every line of the selected services whose correlation_id starts with the ID typed above (all lines when it is empty), narrowed by the text search.",
      height: 16,
    },
  );
  if (isEnabled(settings, "jaeger")) panel.links([tracesOfCorrelationId()]);
  return panel;
}

export function logsDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: LOGS_UID,
    title: "Logs",
    folder: "Services",
    tags: ["services", "logs"],
    description: "Errors of the last hour and a search by correlation ID, with links to traces.",
    requires: ["loki"],
    time: { from: "now-1h", to: "now" },
    variables: [
      environmentVariable(settings),
      lokiServiceVariable(),
      textboxVariable("correlation_id", "Correlation ID"),
      textboxVariable("search", "Line contains"),
    ],
    rows: [
      { title: "Errors", panels: [errorCount(), errorsOverTime(), errorLines()] },
      { title: "Search", panels: [requestLines(settings)] },
    ],
  });
}
