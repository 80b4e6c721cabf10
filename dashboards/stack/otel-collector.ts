/** The OpenTelemetry collector watching itself: what it receives, sends, refuses and drops. */
import { Settings } from "../../config/settings";
import { otelCollector } from "../../metrics/exporters/otel-collector";
import { jobOf } from "../../rules/packs/lib";
import { buildDashboard } from "../layout";
import { pipelineRows } from "../panels/pipeline";
import { componentVariables, scrapeUp } from "../panels/stack";

export const OTEL_COLLECTOR_UID = "stack-otel-collector";

export function otelCollectorDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: OTEL_COLLECTOR_UID,
    title: "Stack / OpenTelemetry collector",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "otel-collector"],
    description:
      "The collector's pipelines: spans, log records and metric points received, sent, refused and dropped.",
    requires: ["otelCollector"],
    variables: componentVariables(settings, "otelCollector"),
    rows: [
      { panels: [scrapeUp("otelCollector")] },
      ...pipelineRows(settings, {
        alertPrefix: "OtelCollector",
        job: jobOf("otelCollector"),
        metrics: otelCollector,
        signals: ["spans", "logRecords", "metricPoints"],
        memoryLimiter: true,
        queue: true,
      }),
    ],
  });
}
