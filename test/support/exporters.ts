/**
 * The pinned exporters of the stack run on this machine (toolchain binaries), each on a free
 * loopback port, with a Prometheus scraping them under the job names the stack gives them.
 * The collector and Jaeger run with the e2e stack's rendered configs (their metric names
 * depend on how the config sets up their telemetry); the others need no config of ours to
 * expose their metrics, so they get minimal ones.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { cadvisorSpec } from "../../components/cadvisor/spec";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { PROBE_JOB, PROBE_MODULE, renderProbeConfig } from "../../components/sentry/probe";
import { Settings } from "../../config/settings";
import { freePort, localize, Program, waitForHttp } from "./programs";
import { scratchDir, tool } from "./tools";

export interface ScrapeTarget {
  job: string;
  target: string;
  metricsPath?: string;
  params?: Record<string, string[]>;
}

export interface Exporters {
  prometheusUrl: string;
  /** The jobs Prometheus scrapes, by what they are. */
  jobs: Partial<Record<ComponentId | "probe", string>>;
  /** OTLP/HTTP base URLs of the collector and Jaeger, to send them telemetry. */
  otlpHttp: { otelCollector: string; jaeger: string };
  stop(): Promise<void>;
}

const writeYaml = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml.dump(value, { lineWidth: -1 }));
  return file;
};

const jobOf = (id: ComponentId) => CATALOG[id].serviceName;

async function startRendered(
  binary: string,
  renderDir: string,
  file: string,
  id: "otelCollector" | "jaeger" | "loki",
  dir: string,
  /** Addresses of the stack's services (`jaeger:4317`) and where they listen here. */
  addresses: Record<string, string> = {},
): Promise<{ program: Program; ports: Map<number, number> }> {
  let text = fs.readFileSync(path.join(renderDir, file), "utf8");
  for (const [from, to] of Object.entries(addresses)) text = text.split(from).join(to);
  const config = yaml.load(text);
  const local = await localize(config, {
    "/etc/jaeger": path.join(dir, "etc"),
    ...(CATALOG[id].dataPath ? { [CATALOG[id].dataPath!]: path.join(dir, "data") } : {}),
  });
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  // Jaeger's query extension also listens on gRPC (default :16685) where our config leaves
  // it unset: a free port of its own, so it runs beside any other Jaeger on this machine.
  const query = (local.config as { extensions?: Record<string, Record<string, unknown>> })
    .extensions?.jaeger_query;
  if (query && !query.grpc) query.grpc = { endpoint: `127.0.0.1:${await freePort()}` };
  if (id === "jaeger")
    fs.copyFileSync(
      path.join(renderDir, "jaeger/sampling.json"),
      path.join(dir, "etc/sampling.json"),
    );
  const configFile = writeYaml(path.join(dir, "etc/config.yml"), local.config);
  const program = new Program(binary, [`--config=${configFile}`], dir);
  return { program, ports: local.ports };
}

/**
 * Starts every exporter (and blackbox_exporter probing Prometheus), then Prometheus with a
 * scrape job for each plus `extraTargets`, and the given rule files. Resolves once
 * Prometheus is ready; `stop` ends them all.
 */
export async function startExporters(options: {
  settings: Settings;
  renderDir: string;
  extraTargets?: ScrapeTarget[];
  ruleFiles?: string[];
  scrapeInterval?: string;
  /** Run blackbox_exporter probing Prometheus. Default: true. */
  probe?: boolean;
}): Promise<Exporters> {
  const root = scratchDir("exporters");
  const programs: Program[] = [];
  const targets: ScrapeTarget[] = [];
  const otlpHttp = { otelCollector: "", jaeger: "" };
  const started = async (program: Program, url: string) => {
    programs.push(program);
    await waitForHttp(program, url, 90_000);
  };
  try {
    const promPort = await freePort();
    targets.push({ job: jobOf("prometheus"), target: `127.0.0.1:${promPort}` });

    const amPort = await freePort();
    const amDir = path.join(root, "alertmanager");
    const amConfig = writeYaml(path.join(amDir, "alertmanager.yml"), {
      route: { receiver: "none" },
      receivers: [{ name: "none" }],
    });
    await started(
      new Program(tool("alertmanager"), [
        `--config.file=${amConfig}`,
        `--storage.path=${path.join(amDir, "data")}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        "--cluster.listen-address=",
      ]),
      `http://127.0.0.1:${amPort}/-/ready`,
    );
    targets.push({ job: jobOf("alertmanager"), target: `127.0.0.1:${amPort}` });

    const nodePort = await freePort();
    await started(
      new Program(tool("node_exporter"), [`--web.listen-address=127.0.0.1:${nodePort}`]),
      `http://127.0.0.1:${nodePort}/metrics`,
    );
    targets.push({ job: jobOf("nodeExporter"), target: `127.0.0.1:${nodePort}` });

    // cAdvisor with the stack's own flags, on a loopback port of its own.
    const cadvisorPort = await freePort();
    const cadvisorArgs = cadvisorSpec(options.settings).args.filter(
      (arg) => !arg.startsWith("--port="),
    );
    await started(
      new Program(tool("cadvisor"), [
        ...cadvisorArgs,
        `--port=${cadvisorPort}`,
        "--listen_ip=127.0.0.1",
      ]),
      `http://127.0.0.1:${cadvisorPort}/healthz`,
    );
    targets.push({ job: jobOf("cadvisor"), target: `127.0.0.1:${cadvisorPort}` });

    // Jaeger and Loki's stand-in first: the collector exports to them (and to Prometheus'
    // remote-write receiver), so its exporters really send.
    const local = (ports: Map<number, number>, id: ComponentId, name: string) =>
      `127.0.0.1:${ports.get(CATALOG[id].ports[name].port)}`;
    const address = (id: ComponentId, name: string) =>
      `${CATALOG[id].serviceName}:${CATALOG[id].ports[name].port}`;
    const jaegerRun = await startRendered(
      tool("jaeger"),
      options.renderDir,
      "jaeger/config.yml",
      "jaeger",
      path.join(root, "jaeger"),
    );
    await started(
      jaegerRun.program,
      `http://${local(jaegerRun.ports, "jaeger", "health")}${CATALOG.jaeger.health.path ?? "/"}`,
    );
    targets.push({ job: jobOf("jaeger"), target: local(jaegerRun.ports, "jaeger", "metrics") });
    otlpHttp.jaeger = `http://${local(jaegerRun.ports, "jaeger", "otlpHttp")}`;
    const standIn = await startRendered(
      tool("otelcol"),
      options.renderDir,
      "loki/stand-in.yml",
      "loki",
      path.join(root, "loki"),
    );
    programs.push(standIn.program);
    const collector = await startRendered(
      tool("otelcol"),
      options.renderDir,
      "otel-collector/config.yml",
      "otelCollector",
      path.join(root, "otel-collector"),
      {
        [address("jaeger", "otlpGrpc")]: local(jaegerRun.ports, "jaeger", "otlpGrpc"),
        [address("loki", "http")]: local(standIn.ports, "loki", "http"),
        [address("prometheus", "http")]: `127.0.0.1:${promPort}`,
      },
    );
    await started(
      collector.program,
      `http://${local(collector.ports, "otelCollector", "health")}${CATALOG.otelCollector.health.path ?? "/"}`,
    );
    targets.push({
      job: jobOf("otelCollector"),
      target: local(collector.ports, "otelCollector", "metrics"),
    });
    otlpHttp.otelCollector = `http://${local(collector.ports, "otelCollector", "otlpHttp")}`;

    if (options.probe ?? true) await startProbe();
    async function startProbe() {
      const probePort = await freePort();
      const probeConfig = writeYaml(path.join(root, "blackbox/config.yml"), renderProbeConfig());
      await started(
        new Program(tool("blackbox_exporter"), [
          `--config.file=${probeConfig}`,
          `--web.listen-address=127.0.0.1:${probePort}`,
        ]),
        `http://127.0.0.1:${probePort}/metrics`,
      );
      targets.push({
        job: PROBE_JOB,
        target: `127.0.0.1:${probePort}`,
        metricsPath: "/probe",
        params: { module: [PROBE_MODULE], target: [`http://127.0.0.1:${promPort}/-/ready`] },
      });
    }

    targets.push(...(options.extraTargets ?? []));
    const interval = options.scrapeInterval ?? "5s";
    const promDir = path.join(root, "prometheus");
    const promConfig = writeYaml(path.join(promDir, "prometheus.yml"), {
      global: { scrape_interval: interval, evaluation_interval: interval },
      // As in the stack: Prometheus sends its alerts to Alertmanager.
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: targets.map((t) => ({
        job_name: t.job,
        ...(t.metricsPath && { metrics_path: t.metricsPath }),
        ...(t.params && { params: t.params }),
        static_configs: [{ targets: [t.target] }],
      })),
    });
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    await started(
      new Program(tool("prometheus"), [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${path.join(promDir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        // The collector's metrics pipeline writes here, as in the stack.
        "--web.enable-remote-write-receiver",
      ]),
      `${prometheusUrl}/-/ready`,
    );
    return {
      prometheusUrl,
      jobs: {
        prometheus: jobOf("prometheus"),
        alertmanager: jobOf("alertmanager"),
        nodeExporter: jobOf("nodeExporter"),
        cadvisor: jobOf("cadvisor"),
        otelCollector: jobOf("otelCollector"),
        jaeger: jobOf("jaeger"),
        ...((options.probe ?? true) && { probe: PROBE_JOB }),
      },
      otlpHttp,
      stop: async () => {
        await Promise.all(programs.map((program) => program.stop()));
        fs.rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(programs.map((program) => program.stop()));
    throw error;
  }
}
