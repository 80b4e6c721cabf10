import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE, ConfigError } from "./errors";
import { RawStackConfig } from "./load";
import { misspeltNamespaceProblems } from "./namespace";

/** Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI would hand it to the program, without the CLI. */
export function readStackFile(projectDir: string, stack: string): RawStackConfig {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = fs
      .readdirSync(projectDir)
      .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
      .filter((name): name is string => name !== undefined);
    throw new ConfigError(stack, [`no stack file ${file}; stacks here: ${known.join(", ")}`]);
  }
  const document = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  return fromConfigMap(stack, document.config ?? {});
}

/** Keeps the project's own keys; encrypted values become secret keys whose text is never read. */
export function fromConfigMap(stack: string, config: Record<string, unknown>): RawStackConfig {
  const misspelt = misspeltNamespaceProblems(Object.keys(config));
  if (misspelt.length > 0) throw new ConfigError(stack, misspelt);
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, value] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (isEncrypted(value)) secretKeys.add(key);
  }
  return { project: CONFIG_NAMESPACE, stack, values, secretKeys };
}

function isEncrypted(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}
