/** Jaeger v2 watching itself: its collector pipeline from OTLP in to span storage out. */
import { Settings } from "../../config/settings";
import { JAEGER_COUNTER_SUFFIX } from "../../metrics/exporters/jaeger";
import { otelcolMetrics } from "../../metrics/exporters/otel-collector";
import { jobOf } from "../../rules/packs/lib";
import { buildDashboard } from "../layout";
import { pipelineRows } from "../panels/pipeline";
import { componentVariables, scrapeUp } from "../panels/stack";

export const JAEGER_UID = "stack-jaeger";

export function jaegerDashboard(settings: Settings) {
  return buildDashboard(settings, {
    uid: JAEGER_UID,
    title: "Stack / Jaeger",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "jaeger"],
    description:
      "Jaeger's span pipeline: spans received, written to storage and refused (its storage exporter has no queue). Traces themselves are in Explore (Jaeger datasource).",
    requires: ["jaeger"],
    variables: componentVariables(settings, "jaeger"),
    rows: [
      { panels: [scrapeUp("jaeger")] },
      ...pipelineRows(settings, {
        alertPrefix: "Jaeger",
        job: jobOf("jaeger"),
        metrics: otelcolMetrics(JAEGER_COUNTER_SUFFIX),
        signals: ["spans"],
        memoryLimiter: false,
        queue: false,
      }),
    ],
  });
}
