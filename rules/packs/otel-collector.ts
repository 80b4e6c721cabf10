import { otelCollector } from "../../metrics/exporters/otel-collector";
import { RulePack } from "../types";
import { jobOf } from "./lib";
import { Pipeline, pipelineAlerts, pipelineTests } from "./pipeline";

const pipeline: Pipeline = {
  prefix: "OtelCollector",
  displayName: "The OpenTelemetry collector",
  job: jobOf("otelCollector"),
  metrics: otelCollector,
  signals: ["spans", "logRecords", "metricPoints"],
  memoryLimiter: true,
  queue: true,
};

/** The collector watching itself: data it refuses, fails to send or drops. */
export const otelCollectorPack: RulePack = {
  name: "otel-collector",
  description:
    "Spans, logs and metric points the collector refuses, fails to export or drops at a full queue or its memory limit.",
  groups: [{ name: "otel-collector", rules: pipelineAlerts(pipeline) }],
  tests: pipelineTests(pipeline),
};
