import * as fs from "fs";
import * as path from "path";
import versions from "../../versions.json";
import { CATALOG } from "../../components/catalog";
import { readYaml, startCollector, startJaeger, writeYaml } from "../support/components";
import { exitWithin, localize, Program, renderSettingsTo, waitForHttp } from "../support/programs";
import { settingsFrom, STACKS, stackSettings } from "../support/settings";
import { parseDebugLogs } from "../support/debug-logs";
import { run, scratchDir, tool } from "../support/tools";

/**
 * The rendered configs of Jaeger and the collector, read by the real programs at the
 * versions the stack deploys (scripts/toolchain builds them): `otelcol validate`, and the
 * collector and Jaeger started with their configs until they report healthy; and Loki's
 * stand-in of the e2e stack (a second collector) receiving on Loki's OTLP path. Loki itself
 * is not built (AGPL): its config is checked against Loki 3.7's documented structure in
 * test/unit/loki-config.test.ts. Listeners move to free loopback ports and container paths
 * to scratch directories, so the checks run beside anything else on the machine.
 */

describe("component programs at the versions the stack deploys", () => {
  test(`otelcol is the collector ${versions.components.otelCollector}`, () => {
    expect(run(tool("otelcol"), ["--version"]).output).toContain(
      `version ${versions.components.otelCollector}`,
    );
  });
  test(`jaeger is Jaeger ${versions.components.jaeger}`, () => {
    expect(run(tool("jaeger"), ["version"]).output).toContain(`v${versions.components.jaeger}`);
  });
  test(`cadvisor is built on cAdvisor ${versions.components.cadvisor}`, () => {
    expect(run(tool("cadvisor"), ["--version"]).output).toContain(
      `version ${versions.components.cadvisor}`,
    );
  });
});

describe.each(STACKS)("rendered component configs of the %s stack", (stack) => {
  const dir = renderSettingsTo(stackSettings(stack), `render-${stack}`);

  test("otelcol validate accepts the collector's config.yml", () => {
    const result = run(tool("otelcol"), [
      "validate",
      `--config=${path.join(dir, "otel-collector/config.yml")}`,
    ]);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  test("the collector starts with it and reports healthy (validate does not build processors)", async () => {
    const { program, health } = await startCollector(
      readYaml(path.join(dir, "otel-collector/config.yml")),
    );
    try {
      await waitForHttp(program, health, 30_000);
    } finally {
      expect(await program.stop()).toBe(0);
    }
    // Names and keys that still work but are on their way out (e.g. `prometheusremotewrite`).
    expect(program.output).not.toMatch(/deprecated/i);
  });

  test("Jaeger starts with config.yml and sampling.json, answers /status, and stops", async () => {
    const { program, health, dir: jaegerDir } = await startJaeger(dir, { withSamplingFile: true });
    try {
      const body = await waitForHttp(program, health, 60_000);
      expect(JSON.parse(body)).toMatchObject({ status: "StatusOK" });
      // Badger opened its directories where the config (rewritten) puts them.
      expect(fs.readdirSync(path.join(jaegerDir, "badger")).sort()).toEqual(["keys", "values"]);
    } finally {
      expect(await program.stop()).toBe(0);
    }
    expect(program.output).not.toMatch(/deprecated/i);
  });
});

describe("the checks fail on a broken config", () => {
  const dev = stackSettings("dev");
  const dir = renderSettingsTo(dev, "render-broken");

  test("otelcol validate rejects an unknown processor key", () => {
    const config = readYaml(path.join(dir, "otel-collector/config.yml")) as any;
    config.processors.memory_limiter.limit_percentag = 80;
    const file = writeYaml(path.join(scratchDir("otelcol-bad"), "config.yml"), config);
    const result = run(tool("otelcol"), ["validate", `--config=${file}`]);
    expect(result.output).toMatch(/memory_limiter.*invalid keys: limit_percentag/s);
    expect(result.status).not.toBe(0);
  });

  test("otelcol validate rejects an exporter name the collector does not have", () => {
    const config = readYaml(path.join(dir, "otel-collector/config.yml")) as any;
    config.exporters["jaeger_thrift/old"] = { endpoint: "jaeger:14250" };
    config.service.pipelines.traces.exporters.push("jaeger_thrift/old");
    const file = writeYaml(path.join(scratchDir("otelcol-bad"), "config.yml"), config);
    const result = run(tool("otelcol"), ["validate", `--config=${file}`]);
    expect(result.output).toContain("jaeger_thrift");
    expect(result.status).not.toBe(0);
  });

  test("the collector refuses to start with an unknown tail sampling policy", async () => {
    const prodLike = settingsFrom({
      environment: "dev",
      sampling: { ratio: 0.1, tail: { enabled: true } },
    });
    const config = readYaml(
      path.join(renderSettingsTo(prodLike, "render-tail"), "otel-collector/config.yml"),
    ) as any;
    config.processors.tail_sampling.policies[0].type = "no_such_policy";
    const { program } = await startCollector(config);
    try {
      expect(await exitWithin(program, 30_000)).not.toBe(0);
      expect(program.output).toContain("no_such_policy");
    } finally {
      await program.stop();
    }
  });

  test("Jaeger exits without the sampling.json its config names", async () => {
    const { program, health } = await startJaeger(dir, { withSamplingFile: false });
    try {
      await expect(waitForHttp(program, health, 30_000)).rejects.toThrow(/sampling\.json/);
      expect(await exitWithin(program, 10_000)).not.toBe(0);
    } finally {
      await program.stop();
    }
  });
});

describe("Loki's stand-in in the e2e stack: a second collector, not Loki", () => {
  const e2e = stackSettings("e2e");

  test("the e2e stack replaces Loki by the collector stand-in, and only the e2e stack does", () => {
    expect(e2e.components.loki.standIn).toBe("collector");
    for (const stack of STACKS)
      expect(stackSettings(stack).components.loki.standIn).toBeUndefined();
  });

  test("it receives OTLP/HTTP on Loki's port and path only, and prints each record it gets", async () => {
    const dir = renderSettingsTo(e2e, "render-e2e");
    const local = await localize(readYaml(path.join(dir, "loki/stand-in.yml")), {});
    const file = writeYaml(path.join(scratchDir("loki-stand-in"), "config.yml"), local.config);
    const program = new Program(tool("otelcol"), [`--config=${file}`]);
    const base = `http://127.0.0.1:${local.ports.get(CATALOG.loki.ports.http.port)}`;
    const health = `http://127.0.0.1:${local.ports.get(CATALOG.otelCollector.ports.health.port)}/`;
    const record = (body: string) => ({
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(Date.now() * 1_000_000),
                  severityText: "ERROR",
                  body: { stringValue: body },
                  traceId: "0af7651916cd43dd8448eb211c80319c",
                  spanId: "b7ad6b7169203331",
                  attributes: [{ key: "correlation_id", value: { stringValue: "corr-1" } }],
                },
              ],
            },
          ],
        },
      ],
    });
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    try {
      await waitForHttp(program, health, 30_000);
      // The collector's exporter posts to `<endpoint>/v1/logs`, its endpoint being Loki's `/otlp`.
      const lokiEndpoint = (readYaml(path.join(dir, "otel-collector/config.yml")) as any).exporters[
        "otlp_http/loki"
      ].endpoint as string;
      expect(`${new URL(lokiEndpoint).pathname}/v1/logs`).toBe("/otlp/v1/logs");
      expect((await post(`${base}/otlp/v1/logs`, record("payment failed"))).status).toBe(200);
      expect((await post(`${base}/v1/logs`, record("wrong path"))).status).toBe(404);
      const deadline = Date.now() + 10_000;
      while (!program.output.includes("payment failed") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      expect(await program.stop()).toBe(0);
    }
    expect(parseDebugLogs(program.output)).toEqual([
      {
        resource: { "service.name": "checkout" },
        attributes: { correlation_id: "corr-1" },
        body: "payment failed",
        severityText: "ERROR",
        traceId: "0af7651916cd43dd8448eb211c80319c",
        spanId: "b7ad6b7169203331",
      },
    ]);
  });
});
