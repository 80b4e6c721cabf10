import { Settings, TrackerServiceSettings } from "../../config/settings";
import { JobSpec, ServiceSpec, ServiceSpecParts, specCore } from "../spec";
import { InStackMode, TRACKER_SERVICES, TrackerServiceId } from "./definition";

/** The in-stack tracker's settings; callers have checked the mode. */
export type InStackSentry = Extract<Settings["sentry"], { services: unknown }>;

export function inStackSentry(settings: Settings): InStackSentry | undefined {
  return "services" in settings.sentry ? settings.sentry : undefined;
}

export function trackerService(
  sentry: InStackSentry,
  id: TrackerServiceId,
): TrackerServiceSettings {
  const service = sentry.services.find((candidate) => candidate.id === id);
  if (!service) throw new Error(`sentry.mode ${sentry.mode} runs no ${id}`);
  return service;
}

/** Where `npm run render` writes the tracker's files: bugsink/ or sentry/. */
export function renderDir(sentry: InStackSentry): string {
  return sentry.mode === "bugsink" ? "bugsink" : "sentry";
}

/** The address other services use for a tracker service's port, on Docker and Kubernetes. */
export function trackerAddress(id: TrackerServiceId, portName: string): string {
  const definition = TRACKER_SERVICES[id];
  return `${definition.serviceName}:${definition.ports[portName].port}`;
}

/** Extra parts of a tracker service's spec: what baseSpec's parts have, and who may connect. */
export type TrackerSpecParts = ServiceSpecParts & {
  /** Services and jobs (by name) that connect to it; its published ports are open to anyone. */
  clients?: string[];
  /** Docker's health check command, for images without wget. */
  dockerHealthCommand?: string[];
};

/** A tracker service's spec: the shared core (specCore) plus its health, security and clients. */
export function trackerSpec(
  sentry: InStackSentry,
  id: TrackerServiceId,
  parts: TrackerSpecParts,
): ServiceSpec<TrackerServiceId> {
  const definition = TRACKER_SERVICES[id];
  const service = trackerService(sentry, id);
  const health = definition.health;
  return {
    id,
    ...specCore(definition, service, { ...parts, hostMounts: [] }),
    replicas: 1,
    workload: definition.workload,
    health: health && {
      port: definition.ports[health.port].port,
      path: health.path,
      dockerCheck: health.path !== undefined,
      dockerCommand: parts.dockerHealthCommand,
    },
    security: {
      runAsUser: definition.user,
      runAsNonRoot: true,
      readOnlyRootFilesystem: definition.writableRoot !== true,
      privileged: false,
      hostPid: false,
    },
    ingress: { fromServices: [...new Set(parts.clients ?? [])] },
  };
}

/** A one-off task of the tracker (a migration), on the image and user of one of its services. */
export function trackerJob(
  sentry: InStackSentry,
  like: TrackerServiceId,
  job: Pick<JobSpec, "id" | "name" | "args"> & Partial<JobSpec>,
): JobSpec {
  const definition = TRACKER_SERVICES[like];
  const service = trackerService(sentry, like);
  return {
    image: service.image,
    env: {},
    secretEnv: {},
    configFiles: [],
    secretFiles: [],
    resources: service.resources,
    security: {
      runAsUser: definition.user,
      runAsNonRoot: true,
      readOnlyRootFilesystem: definition.writableRoot !== true,
      privileged: false,
      hostPid: false,
    },
    backoffLimit: 6,
    ...job,
  };
}

/** What one in-stack mode deploys: services in start order, jobs, and what waits for what. */
export interface TrackerPlan {
  mode: InStackMode;
  services: ServiceSpec<TrackerServiceId>[];
  jobs: JobSpec[];
  /** Names of the services and jobs each service or job waits for (Pulumi dependsOn). */
  waitsFor: Record<string, string[]>;
}
