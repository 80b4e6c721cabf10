import * as pulumi from "@pulumi/pulumi";
import { configKey } from "../../config/errors";
import { Settings } from "../../config/settings";
import { ObservabilityStack } from "../../components/stack";

/** A Kubernetes object as the program hands it to the Kubernetes provider. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [field: string]: unknown;
}

const placeholder = (key: string) => `<secret:${key}>`;
/** Outputs that only the error tracker's API gives, during `pulumi up`. */
const fromApi = (what: string) => `<from-api:${what}>`;

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/**
 * The state the mocked engine returns for a resource. Credentials the stack generates
 * (@pulumi/random: `grafana-admin-password` is settings' `grafanaAdminPassword`) and the DSN the
 * tracker's API returns become placeholders; everything else echoes its inputs, as the
 * Kubernetes provider's objects do.
 */
function mockState(
  settings: Settings,
  type: string,
  name: string,
  inputs: Record<string, unknown>,
) {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: placeholder(camelCase(name)) };
    case "random:index/randomId:RandomId":
      return { ...inputs, hex: placeholder(camelCase(name)) };
  }
  if (type.startsWith("pulumi-nodejs:dynamic")) {
    const dsnKey = settings.sentry.mode === "disabled" ? "dsn" : settings.sentry.dsn.secret;
    return { ...inputs, projectId: fromApi("projectId"), dsn: placeholder(dsnKey) };
  }
  return inputs;
}

const SIG = pulumi.runtime.specialSigKey;

/**
 * Inputs as the engine received them, with secrets unwrapped. A secret must have come from a
 * placeholder: a value without one means a credential reached the program some other way.
 */
/** @internal Exported for tests. */
export function unwrap(value: unknown, where: string, inSecret = false): unknown {
  if (Array.isArray(value)) return value.map((item, i) => unwrap(item, `${where}[${i}]`, inSecret));
  if (typeof value === "string") {
    if (inSecret && !value.includes("<secret:"))
      throw new Error(
        `${where} is a secret without a <secret:key> placeholder; refusing to write it`,
      );
    return value;
  }
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (SIG in record) {
    if (record[SIG] !== pulumi.runtime.specialSecretSig)
      throw new Error(`${where}: unexpected engine value ${String(record[SIG])}`);
    return unwrap(record.value, where, true);
  }
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [key, unwrap(item, `${where}.${key}`, inSecret)]),
  );
}

/** Resolves when the mocked engine has had no new resource for `quietMs`. */
async function settle(count: () => number, quietMs = 300, timeoutMs = 60_000): Promise<void> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await pause();
    if (count() !== last) {
      last = count();
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) {
      return;
    }
  }
  throw new Error(`the program kept registering resources for ${timeoutMs / 1000} s`);
}

/**
 * The Kubernetes objects `pulumi up` would apply for a Kubernetes stack: the program itself
 * (ObservabilityStack, as index.ts builds it) runs under Pulumi's mocks, which record what each
 * Kubernetes resource receives. No engine, no CLI, no cluster, and no secret is read: every
 * credential is a `<secret:key>` placeholder.
 */
export async function recordKubernetesObjects(settings: Settings): Promise<KubernetesObject[]> {
  if (settings.target !== "kubernetes")
    throw new Error(
      `--manifests: stack ${settings.stack} deploys to ${settings.target} (${configKey(["target"])}); Kubernetes manifests need a stack whose target is kubernetes`,
    );
  const recorded: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return {
          id: `${args.name}-id`,
          state: mockState(settings, args.type, args.name, args.inputs),
        };
      },
      call: (args) => args.inputs,
    },
    settings.project,
    settings.stack,
    false,
  );
  new ObservabilityStack("observability", {
    settings,
    configSecret: (key) => pulumi.secret(placeholder(key)),
  });
  await settle(() => recorded.length);
  return recorded
    .filter((resource) => resource.type.startsWith("kubernetes:") && resource.inputs.kind)
    .map(
      (resource) =>
        unwrap(resource.inputs, `${resource.type} ${resource.name}`) as KubernetesObject,
    );
}
