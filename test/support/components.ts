import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { CATALOG } from "../../components/catalog";
import { toYaml } from "../../components/yaml";
import { localize, Program } from "./programs";
import { scratchDir, tool } from "./tools";

/**
 * The collector and Jaeger started from rendered configs on this machine (test/tools):
 * listeners on free loopback ports, container paths in scratch directories.
 */

export const readYaml = (file: string) => yaml.load(fs.readFileSync(file, "utf8"));
export const writeYaml = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, toYaml(value));
  return file;
};

export interface Started {
  program: Program;
  /** The URL of its health check. */
  health: string;
  /** The local port each port of the rendered config listens on now. */
  ports: Map<number, number>;
}

/** Starts the collector with a config; wait for `health` before sending to it. */
export async function startCollector(config: unknown): Promise<Started> {
  const dir = scratchDir("otelcol-run");
  const local = await localize(config, {});
  const file = writeYaml(path.join(dir, "config.yml"), local.config);
  const program = new Program(tool("otelcol"), [`--config=${file}`]);
  const port = local.ports.get(CATALOG.otelCollector.ports.health.port)!;
  return {
    program,
    health: `http://127.0.0.1:${port}${CATALOG.otelCollector.health.path}`,
    ports: local.ports,
  };
}

/** Jaeger with its rendered config.yml and sampling.json, Badger in a scratch directory. */
export async function startJaeger(
  renderDir: string,
  options: { withSamplingFile: boolean },
): Promise<Started & { dir: string }> {
  const dir = scratchDir("jaeger-run");
  const config = readYaml(path.join(renderDir, "jaeger/config.yml"));
  const local = await localize(config, {
    "/etc/jaeger": path.join(dir, "etc"),
    [CATALOG.jaeger.dataPath!]: path.join(dir, "badger"),
  });
  fs.mkdirSync(path.join(dir, "etc"));
  if (options.withSamplingFile) {
    fs.copyFileSync(
      path.join(renderDir, "jaeger/sampling.json"),
      path.join(dir, "etc/sampling.json"),
    );
  }
  const file = writeYaml(path.join(dir, "etc/config.yml"), local.config);
  const program = new Program(tool("jaeger"), [`--config=${file}`], dir);
  const port = local.ports.get(CATALOG.jaeger.ports.health.port)!;
  return {
    program,
    health: `http://127.0.0.1:${port}${CATALOG.jaeger.health.path}`,
    dir,
    ports: local.ports,
  };
}
