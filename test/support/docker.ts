import { execFileSync } from "child_process";

export function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8" }).trim();
}

export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

/** Containers, networks and volumes the stack labelled as its own. */
export function stackObjects(label: string) {
  const filter = `label=observability-stack.stack=${label}`;
  return {
    containers: lines(docker("ps", "-a", "--filter", filter, "--format", "{{.Names}}")),
    networks: lines(docker("network", "ls", "--filter", filter, "--format", "{{.Name}}")),
    volumes: lines(docker("volume", "ls", "--filter", filter, "--format", "{{.Name}}")),
  };
}

export interface ContainerState {
  id: string;
  pid: number;
  running: boolean;
  health?: string;
  restartCount: number;
}

export function inspect(container: string): ContainerState {
  const [state] = JSON.parse(docker("inspect", container));
  return {
    id: state.Id,
    pid: state.State.Pid,
    running: state.State.Running,
    health: state.State.Health?.Status,
    restartCount: state.RestartCount,
  };
}
