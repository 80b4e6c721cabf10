import * as yaml from "js-yaml";
import { renderStack } from "../../components/render";
import { Settings } from "../../config/settings";
import { LokiExpectations, lokiRequirementProblems } from "../support/loki-requirements";
import { settingsFrom, STACKS, stackSettings } from "../support/settings";

/**
 * Loki's rendered config against what Loki 3.7 documents it needs (test/support/
 * loki-requirements.ts): Loki is not built here (AGPL), so no Loki program reads it in the
 * tests. The expectations come from the stack's settings and the collector's rendered
 * exporter, never from Loki's renderer.
 */
const HOUR_MS = 3_600_000;

function rendered(settings: Settings) {
  const files = renderStack(settings);
  const file = (path: string) => files.find((candidate) => candidate.path === path)!.content;
  const collector = yaml.load(file("otel-collector/config.yml")) as any;
  const endpoint = new URL(collector.exporters["otlp_http/loki"].endpoint as string);
  return {
    loki: yaml.load(file("loki/loki.yml")) as any,
    expected: {
      httpPort: Number(endpoint.port),
      retentionHours: Math.ceil(settings.retention.logs.milliseconds / HOUR_MS),
      today: new Date().toISOString().slice(0, 10),
    } satisfies LokiExpectations,
    otlpPath: `${endpoint.pathname}/v1/logs`,
  };
}

describe.each(STACKS)("Loki's config of the %s stack meets Loki 3.7's requirements", (stack) => {
  const { loki, expected, otlpPath } = rendered(stackSettings(stack));

  test("no documented requirement is broken", () => {
    expect(lokiRequirementProblems(loki, expected)).toEqual([]);
  });

  test("the collector sends to Loki's OTLP path, /otlp/v1/logs", () => {
    expect(otlpPath).toBe("/otlp/v1/logs");
  });
});

test("a retention change reaches limits_config.retention_period", () => {
  const { loki, expected } = rendered(
    settingsFrom({ environment: "dev", retention: { logs: "45d" } }),
  );
  expect(expected.retentionHours).toBe(45 * 24);
  expect(lokiRequirementProblems(loki, expected)).toEqual([]);
});

describe("the requirements catch a broken config", () => {
  const { loki, expected } = rendered(stackSettings("dev"));
  const broken = (change: (config: any) => void) => {
    const config = structuredClone(loki);
    change(config);
    return lokiRequirementProblems(config, expected);
  };

  test("an unknown key (what loki -verify-config refused)", () => {
    expect(broken((c) => (c.limits_config.retention_perod = "24h"))).toEqual([
      "limits_config.retention_perod: not a key of limits_config in Loki 3.7",
    ]);
    expect(broken((c) => (c.compactr = {}))).toEqual([
      "compactr: not a Loki 3.7 configuration block",
    ]);
  });

  test("retention without its delete-request store", () => {
    expect(broken((c) => delete c.compactor.delete_request_store)).toEqual([
      "compactor.delete_request_store: undefined: must name a configured store when retention_enabled is true",
    ]);
    expect(broken((c) => (c.compactor.delete_request_store = "s3"))).toHaveLength(1);
  });

  test("retention off, or a period other than the stack's", () => {
    expect(broken((c) => (c.compactor.retention_enabled = false))).toEqual([
      "compactor.retention_enabled: must be true, or logs are kept for ever",
    ]);
    expect(broken((c) => (c.limits_config.retention_period = "1h"))).toEqual([
      `limits_config.retention_period: 1h, the stack's retention.logs is ${expected.retentionHours}h`,
      "limits_config.retention_period: must be at least 24h (retention.md: the minimum)",
    ]);
  });

  test("a schema OTLP ingestion cannot use", () => {
    expect(
      broken((c) => {
        c.schema_config.configs[0].schema = "v12";
        c.schema_config.configs[0].store = "boltdb-shipper";
        c.schema_config.configs[0].index.period = "168h";
      }),
    ).toEqual([
      "schema_config: the active period's store must be tsdb",
      "schema_config: the active period's schema must be v13",
      "schema_config: the active period's index.period must be 24h (TSDB)",
    ]);
    // A v13 period that starts only tomorrow leaves none active today.
    expect(broken((c) => (c.schema_config.configs[0].from = "2999-01-01"))).toEqual([
      `schema_config.configs: no period has started by ${expected.today}`,
    ]);
    expect(broken((c) => (c.limits_config.allow_structured_metadata = false))).toEqual([
      "limits_config.allow_structured_metadata: false makes Loki refuse OTLP log attributes",
    ]);
  });

  test("an endpoint the collector does not reach", () => {
    expect(broken((c) => (c.server.http_listen_port = 3101))).toEqual([
      `server.http_listen_port: 3101 is not the port the collector sends OTLP to (${expected.httpPort})`,
    ]);
    expect(broken((c) => (c.auth_enabled = true))).toEqual([
      "auth_enabled: must be false (the collector sends no X-Scope-OrgID tenant header)",
    ]);
  });
});
