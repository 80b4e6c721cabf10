import { trackerBudgetProblems, trackerBudgetUse } from "../components/sentry/budget";
import {
  DEFAULT_PUBLISHED_PORTS,
  defaultTrackerImageTag,
  isInStack,
  MODE_SERVICES,
  SentryMode,
  TRACKER_SERVICES,
  TrackerServiceId,
} from "../components/sentry/definition";
import { problem } from "./errors";
import { requestProblems } from "./requests";
import { Preset, Target } from "./presets";
import { parseCpu, parseMemory } from "./quantity";
import { StackConfig, TrackerServiceOverride } from "./schema";
import { SentrySettings, Settings, TrackerServiceSettings } from "./settings";

/** What resolving the error tracker needs besides its own config block. */
interface SentryContext {
  preset: Preset;
  target: Target;
  imageRegistry?: string;
  bindAddress: string;
  namespace: string;
}

/** The error tracker's settings: the preset's mode and services, with config applied once. */
export function resolveSentry(config: StackConfig, context: SentryContext): SentrySettings {
  const mode: SentryMode = config.sentry?.mode ?? context.preset.sentry.mode;
  const url = config.sentry?.url?.replace(/\/+$/, "");
  if (mode === "disabled") return { mode };
  if (mode === "external") return { mode, dsn: { secret: "sentryDsn" }, url };
  const overrides = (config.sentry?.services ?? {}) as Partial<
    Record<TrackerServiceId, TrackerServiceOverride>
  >;
  const services = MODE_SERVICES[mode].map((id) => resolveService(id, context, overrides[id]));
  return {
    mode,
    dsn: { secret: "sentryProjectDsn" },
    url: url ?? defaultUrl(mode, services, context),
    services,
  };
}

function resolveService(
  id: TrackerServiceId,
  context: SentryContext,
  override: TrackerServiceOverride | undefined,
): TrackerServiceSettings {
  const definition = TRACKER_SERVICES[id];
  const defaults = context.preset.sentry.resources[id];
  const repository =
    override?.image?.repository ??
    (context.imageRegistry
      ? `${context.imageRegistry}/${definition.image.repository}`
      : definition.image.repository);
  const limits = { ...defaults.limits, ...override?.resources?.limits };
  const capped = (request: string, limit: string, parse: (text: string) => number | undefined) =>
    parse(request)! > parse(limit)! ? limit : request;
  const published = Object.entries(definition.ports).filter(([, port]) => port.published);
  return {
    id,
    image: `${repository}:${override?.image?.tag ?? defaultTrackerImageTag(definition)}`,
    resources: {
      requests: {
        cpu:
          override?.resources?.requests?.cpu ?? capped(defaults.requests.cpu, limits.cpu, parseCpu),
        memory:
          override?.resources?.requests?.memory ??
          capped(defaults.requests.memory, limits.memory, parseMemory),
      },
      limits,
    },
    ports: Object.fromEntries(
      published.map(([name, port]) => [
        name,
        (override?.ports as Record<string, number | undefined> | undefined)?.[name] ??
          DEFAULT_PUBLISHED_PORTS[id]?.[name] ??
          port.port,
      ]),
    ),
    storage: definition.dataPath
      ? (override?.storage ?? defaultTrackerStorage(context.preset, id))
      : undefined,
  };
}

/** A tracker service's volume unless overridden: the preset's, or 1Gi where it names none. */
export function defaultTrackerStorage(preset: Preset, id: TrackerServiceId): string {
  return preset.sentry.storage[id] ?? "1Gi";
}

/**
 * Where people and the stack reach the tracker's UI and API when `sentry.url` is not set: the
 * published port on Docker; the Service inside the cluster on Kubernetes (set `sentry.url`
 * when `pulumi up` runs outside the cluster: the stack creates the tracker's project through it).
 */
function defaultUrl(
  mode: "bugsink" | "self-hosted",
  services: TrackerServiceSettings[],
  context: SentryContext,
): string {
  const ui: TrackerServiceId = mode === "bugsink" ? "bugsink" : "web";
  const definition = TRACKER_SERVICES[ui];
  if (context.target === "docker") {
    const host = context.bindAddress === "0.0.0.0" ? "127.0.0.1" : context.bindAddress;
    const published = services.find((service) => service.id === ui)!.ports.http;
    return `http://${host}:${published}`;
  }
  return `http://${definition.serviceName}.${context.namespace}.svc:${definition.ports.http.port}`;
}

/** Every problem of the `sentry` block, each naming key, value and what is allowed. */
export function sentryProblems(settings: Settings, config: StackConfig): string[] {
  const sentry = settings.sentry;
  const problems: string[] = [];
  if (sentry.mode === "external" && config.sentryDsn === undefined) {
    problems.push(
      problem(
        ["sentryDsn"],
        undefined,
        "is required when sentry.mode is external; set it with `pulumi config set --secret sentryDsn <dsn>`",
      ),
    );
  }
  if (sentry.mode === "self-hosted" && settings.target === "docker") {
    problems.push(
      problem(
        ["sentry", "mode"],
        "self-hosted",
        `runs only on Kubernetes: Sentry's errors-only set is ${MODE_SERVICES["self-hosted"].length} services (PostgreSQL, Kafka, ClickHouse, Snuba, Relay, ...) that Sentry will not run on less than 7000 MiB and 2 CPUs; on Docker use "bugsink" (one container that speaks Sentry's protocol: the same SDKs and DSNs) or "external"`,
      ),
    );
  }
  problems.push(...overrideProblems(sentry.mode, config));
  if (isInStack(sentry.mode) && "services" in sentry) {
    const overrides = (config.sentry?.services ?? {}) as Partial<
      Record<TrackerServiceId, TrackerServiceOverride>
    >;
    for (const service of sentry.services) {
      problems.push(
        ...requestProblems(
          ["sentry", "services", service.id],
          service.resources,
          overrides[service.id],
          settings.environment,
        ),
      );
    }
    problems.push(...trackerBudgetProblems(trackerBudgetUse(sentry.mode, sentry.services)));
  }
  return problems;
}

/** Overrides of services the chosen mode does not run do nothing, so they are refused. */
function overrideProblems(mode: SentryMode, config: StackConfig): string[] {
  const services = isInStack(mode) ? MODE_SERVICES[mode] : [];
  return Object.entries(config.sentry?.services ?? {})
    .filter(
      ([id, override]) => override !== undefined && !services.includes(id as TrackerServiceId),
    )
    .map(([id]) =>
      services.length === 0
        ? `observability-stack:sentry.services.${id}: sentry.mode "${mode}" runs no services of its own; remove the key`
        : `observability-stack:sentry.services.${id}: not a service of sentry.mode "${mode}"; its services: ${services.join(", ")}`,
    );
}

/** Published ports of the tracker, for the stack-wide check that each is used once. */
export function trackerPublishedPorts(settings: Settings): { key: string; port: number }[] {
  const sentry = settings.sentry;
  if (!("services" in sentry)) return [];
  return sentry.services.flatMap((service) =>
    Object.entries(service.ports).map(([name, port]) => ({
      key: `sentry.services.${service.id}.ports.${name}`,
      port,
    })),
  );
}
