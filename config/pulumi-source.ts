import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigError } from "./errors";
import { RawStackConfig } from "./load";
import { misspeltNamespaceProblems } from "./namespace";
import { decodeConfigText } from "./config-text";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";

/** Public in the SDK's JavaScript, marked internal in its typings. */
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/** The running program's config: structured values arrive JSON-encoded, secrets decrypted. */
export function readPulumiConfig(): RawStackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const config = pulumi.runtime.allConfig();
  const misspelt = misspeltNamespaceProblems(Object.keys(config));
  if (misspelt.length > 0) throw new ConfigError(pulumi.getStack(), misspelt);
  for (const [fullKey, text] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    // Pulumi.yaml gives optional string keys an empty default, since declared keys without one are required.
    if (text === "") continue;
    values[key] = decodeConfigText(text);
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  return { project: pulumi.getProject(), stack: pulumi.getStack(), values, secretKeys };
}
