import { spawnSync } from "child_process";
import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { SPEC_BUILDERS } from "../../components/specs";
import { Settings } from "../../config/settings";
import { parseDebugLogs, PrintedLogRecord } from "./debug-logs";
import { docker, inspect } from "./docker";
import { eventually } from "./http";

/** The container of a component in a Docker stack labelled `obs-<stack>`. */
export function containerName(label: string, id: ComponentId): string {
  return `${label}-${CATALOG[id].serviceName}`;
}

/**
 * For a service whose official image cannot run a Docker health check (the collector's, and
 * so Loki's stand-in, hold only the binary), the test asks its health endpoint itself, from
 * inside the container (the local e2e images have busybox's wget).
 */
export function answersHealthCheck(label: string, settings: Settings, id: ComponentId): boolean {
  const { health } = SPEC_BUILDERS[id](settings);
  try {
    docker(
      "exec",
      containerName(label, id),
      "wget",
      "-q",
      "-O",
      "/dev/null",
      `http://127.0.0.1:${health.port}${health.path ?? "/"}`,
    );
    return true;
  } catch {
    return false;
  }
}

/** Waits until every component runs and is healthy: by Docker's check, or by asking. */
export function waitHealthy(
  label: string,
  settings: Settings,
  ids: ComponentId[],
  timeoutMs: number,
  intervalMs = 2000,
) {
  return eventually(
    "all containers healthy",
    async () => {
      const states = ids.map((id) => ({ component: id, ...inspect(containerName(label, id)) }));
      return states.every((state) =>
        SPEC_BUILDERS[state.component](settings).health.dockerCheck
          ? state.running && state.health === "healthy"
          : state.running &&
            state.health === undefined &&
            answersHealthCheck(label, settings, state.component),
      )
        ? states
        : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}

/**
 * What Loki's stand-in (components/loki/stand-in.ts) has received so far: the log records
 * its debug exporter printed, read from the container's output. Loki itself is not running.
 */
export function lokiStandInRecords(label: string): PrintedLogRecord[] {
  // The collector logs to stderr; `docker logs` replays both streams.
  const result = spawnSync("docker", ["logs", containerName(label, "loki")], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`docker logs failed: ${result.stderr}`);
  return parseDebugLogs(`${result.stdout}\n${result.stderr}`);
}
