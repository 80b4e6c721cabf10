import { JAEGER_COUNTER_SUFFIX } from "../../metrics/exporters/jaeger";
import { otelcolMetrics } from "../../metrics/exporters/otel-collector";
import { RulePack } from "../types";
import { jobOf } from "./lib";
import { Pipeline, pipelineAlerts, pipelineTests } from "./pipeline";

const pipeline: Pipeline = {
  prefix: "Jaeger",
  displayName: "Jaeger",
  job: jobOf("jaeger"),
  // Read: the span metrics of metrics/exporters/jaeger.ts; Jaeger has no queues or limiter.
  metrics: otelcolMetrics(JAEGER_COUNTER_SUFFIX),
  signals: ["spans"],
  memoryLimiter: false,
  queue: false,
};

/** Jaeger's span pipeline (it is a collector distribution): spans refused or not stored. */
export const jaegerPack: RulePack = {
  name: "jaeger",
  description:
    "Spans Jaeger refuses or fails to write to its storage (its storage exporter has no queue).",
  groups: [{ name: "jaeger", rules: pipelineAlerts(pipeline) }],
  tests: pipelineTests(pipeline),
};
