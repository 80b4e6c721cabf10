import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_NAMESPACE, ConfigError } from "./errors";
import { RawStackConfig } from "./load";
import { misspeltNamespaceProblems } from "./namespace";
import { decodeConfigText } from "./config-text";

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
  const document = (parseYaml(stack, file) ?? {}) as { config?: Record<string, unknown> };
  return fromConfigMap(stack, document.config ?? {});
}

/** The file's YAML, or a ConfigError naming the file, the line and column, and what is wrong. */
function parseYaml(stack: string, file: string): unknown {
  try {
    return yaml.load(fs.readFileSync(file, "utf8"), { filename: file });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    // js-yaml counts lines and columns from 0; editors from 1. Its snippet quotes the file's
    // lines, which may hold a credential written in plain text, so only the reason is shown.
    const where = error.mark ? `:${error.mark.line + 1}:${error.mark.column + 1}` : "";
    throw new ConfigError(stack, [
      `${file}${where}: not valid YAML (${error.reason}); nothing in it was read`,
    ]);
  }
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
    // `pulumi config set key '<json>'` stores text; the CLI hands it on as the program reads it.
    if (value === "") continue;
    values[key] = typeof value === "string" ? decodeConfigText(value) : value;
    if (isEncrypted(value)) secretKeys.add(key);
  }
  return { project: CONFIG_NAMESPACE, stack, values, secretKeys };
}

function isEncrypted(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}
