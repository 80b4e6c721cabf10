import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Installs Pulumi mocks that record every resource the program registers. */
export function recordResources(project: string, stack: string): RecordedResource[] {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "random:index/randomPassword:RandomPassword"
            ? { ...args.inputs, result: "mock-password-1234" }
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

/** Lets the mocked engine finish registering resources. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 100));
}
