import { jaegerOtelcol } from "../../metrics/exporters/jaeger";
import { RulePack } from "../types";
import { jobOf } from "./lib";
import { Pipeline, pipelineAlerts, pipelineTests } from "./pipeline";

const pipeline: Pipeline = {
  prefix: "Jaeger",
  displayName: "Jaeger",
  job: jobOf("jaeger"),
  metrics: jaegerOtelcol,
  signals: ["spans"],
  memoryLimiter: false,
};

/** Jaeger's span pipeline (it is a collector distribution): spans refused or not stored. */
export const jaegerPack: RulePack = {
  name: "jaeger",
  description: "Spans Jaeger refuses, fails to write to its storage or drops at a full queue.",
  groups: [{ name: "jaeger", rules: pipelineAlerts(pipeline) }],
  tests: pipelineTests(pipeline),
};
