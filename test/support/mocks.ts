import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The gateway the mocked Docker engine gives the stack's network. */
export const MOCK_GATEWAY = "172.30.0.1";

/** Installs Pulumi mocks that record every resource the program registers. */
export function recordResources(project: string, stack: string): RecordedResource[] {
  const resources: RecordedResource[] = [];
  recorded = resources;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "random:index/randomPassword:RandomPassword"
            ? { ...args.inputs, result: "mock-password-1234" }
            : args.type === "random:index/randomId:RandomId"
              ? { ...args.inputs, hex: "00".repeat(args.inputs.byteLength as number) }
              : args.type.startsWith("pulumi-nodejs:dynamic")
                ? { ...args.inputs, projectId: "1", dsn: "http://mock-key@tracker.mock/1" }
                : args.type === "docker:index/network:Network"
                  ? // The engine assigns a bridge network its subnet and gateway.
                    {
                      ...args.inputs,
                      ipamConfigs: [{ subnet: "172.30.0.0/16", gateway: MOCK_GATEWAY }],
                    }
                  : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  return resources;
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

let recorded: RecordedResource[] = [];

/**
 * Lets the mocked engine finish registering resources: until none has been added for 300 ms.
 * A dynamic provider's resource registers late (its code is serialized first), and whatever
 * takes its outputs (a Secret with the tracker's DSN) registers after it.
 */
export async function settle(): Promise<void> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  await pause();
  const deadline = Date.now() + 30_000;
  let count = -1;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (recorded.length !== count) {
      count = recorded.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 300) {
      return;
    }
    await pause();
  }
}
