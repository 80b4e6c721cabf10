import { CATALOG } from "../../components/catalog";
import { ComponentId } from "../../components/definition";
import { docker, inspect } from "./docker";
import { eventually } from "./http";

/** The container of a component in a Docker stack labelled `obs-<stack>`. */
export function containerName(label: string, id: ComponentId): string {
  return `${label}-${CATALOG[id].serviceName}`;
}

/**
 * For a component whose official image cannot run a Docker health check (the collector's
 * holds only its binary), the test asks its health endpoint itself, from inside the
 * container (the local e2e images have busybox's wget).
 */
export function answersHealthCheck(label: string, id: ComponentId): boolean {
  const definition = CATALOG[id];
  const port = definition.ports[definition.health.port].port;
  try {
    docker(
      "exec",
      containerName(label, id),
      "wget",
      "-q",
      "-O",
      "/dev/null",
      `http://127.0.0.1:${port}${definition.health.path}`,
    );
    return true;
  } catch {
    return false;
  }
}

/** Waits until every component runs and is healthy: by Docker's check, or by asking. */
export function waitHealthy(
  label: string,
  ids: ComponentId[],
  timeoutMs: number,
  intervalMs = 2000,
) {
  return eventually(
    "all containers healthy",
    async () => {
      const states = ids.map((id) => ({ component: id, ...inspect(containerName(label, id)) }));
      return states.every((state) =>
        CATALOG[state.component].dockerHealthCheck === false
          ? state.running &&
            state.health === undefined &&
            answersHealthCheck(label, state.component)
          : state.running && state.health === "healthy",
      )
        ? states
        : undefined;
    },
    timeoutMs,
    intervalMs,
  );
}
