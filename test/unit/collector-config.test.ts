import {
  renderCollectorConfig,
  SERVICE_LABEL_PROCESSOR,
} from "../../components/otel-collector/config";
import { renderStack } from "../../components/render";
import { settingsFrom, STACKS, stackSettings } from "../support/settings";

/** What the collector's and Jaeger's configs mean; test/tools/collector-semantics.test.ts runs them. */

describe("sampling happens once, in the collector", () => {
  test.each(STACKS)("%s: Jaeger's strategies tell the SDKs to keep every trace", (stack) => {
    const file = renderStack(stackSettings(stack)).find((f) => f.path === "jaeger/sampling.json")!;
    expect(JSON.parse(file.content)).toEqual({
      default_strategy: { type: "probabilistic", param: 1 },
      service_strategies: [],
    });
  });

  test("the served strategy does not follow the environment's ratio (the collector applies it)", () => {
    const config = renderCollectorConfig(settingsFrom({ environment: "staging" })) as any;
    expect(config.processors.probabilistic_sampler).toEqual({ sampling_percentage: 50 });
    expect(config.service.pipelines.traces.processors).toContain("probabilistic_sampler");
  });
});

describe("OTLP metrics as Prometheus series", () => {
  const config = renderCollectorConfig(settingsFrom({ environment: "dev" })) as any;

  test("the remote write exporter turns no resource attribute into a label of every series", () => {
    expect(Object.keys(config.exporters.prometheus_remote_write)).toEqual(["endpoint"]);
  });

  test("only the metrics pipeline copies service.name to the data points' service label", () => {
    expect(config.processors[SERVICE_LABEL_PROCESSOR].metric_statements).toEqual([
      {
        context: "datapoint",
        statements: [
          'set(attributes["service"], resource.attributes["service.name"]) where attributes["service"] == nil',
        ],
      },
    ]);
    expect(config.service.pipelines.metrics.processors).toContain(SERVICE_LABEL_PROCESSOR);
    expect(config.service.pipelines.traces.processors).not.toContain(SERVICE_LABEL_PROCESSOR);
    expect(config.service.pipelines.logs.processors).not.toContain(SERVICE_LABEL_PROCESSOR);
  });

  test("without Prometheus there is neither the exporter nor the processor", () => {
    const noPrometheus = renderCollectorConfig(
      settingsFrom({ environment: "dev", components: { prometheus: { enabled: false } } }),
    ) as any;
    expect(noPrometheus.exporters.prometheus_remote_write).toBeUndefined();
    expect(noPrometheus.processors[SERVICE_LABEL_PROCESSOR]).toBeUndefined();
  });
});
