import versions from "../../versions.json";
import { PortDefinition, Workload } from "../definition";

/**
 * Where services send their errors (`sentry.mode`):
 * - `self-hosted`: Sentry's errors-only self-hosted set, on Kubernetes;
 * - `bugsink`: Bugsink, one container that speaks Sentry's protocol, on Docker or Kubernetes;
 * - `external`: a Sentry elsewhere, its DSN from the `sentryDsn` secret;
 * - `disabled`: none.
 */
export const SENTRY_MODES = ["self-hosted", "bugsink", "external", "disabled"] as const;
export type SentryMode = (typeof SENTRY_MODES)[number];
/** The modes that run an error tracker inside the stack. */
export type InStackMode = Extract<SentryMode, "self-hosted" | "bugsink">;

export function isInStack(mode: SentryMode): mode is InStackMode {
  return mode === "self-hosted" || mode === "bugsink";
}

/** Credentials of the in-stack tracker: generated with @pulumi/random, or obtained (the DSN). */
export type TrackerSecret =
  | "sentryProjectDsn"
  | "bugsinkSecretKey"
  | "bugsinkAdminPassword"
  | "bugsinkSuperuser"
  | "bugsinkApiToken"
  | "sentrySecretKey"
  | "sentryAdminPassword"
  | "sentryApiToken"
  | "relayCredentials";

/** Every service an in-stack error tracker may run, by its key under `sentry.services`. */
export const TRACKER_SERVICE_IDS = [
  "bugsink",
  "postgres",
  "redis",
  "memcached",
  "kafka",
  "clickhouse",
  "snubaApi",
  "snubaErrorsConsumer",
  "snubaReplacer",
  "web",
  "worker",
  "cron",
  "ingestConsumer",
  "postProcessForwarder",
  "relay",
  "probe",
] as const;
export type TrackerServiceId = (typeof TRACKER_SERVICE_IDS)[number];

/** The static facts of one service of the error tracker, like a stack component's definition. */
export interface TrackerServiceDefinition {
  id: TrackerServiceId;
  /** DNS name on the stack's network (Docker alias, Kubernetes Service). */
  serviceName: string;
  displayName: string;
  image: { repository: string; tagPrefix: string; version: string };
  ports: Record<string, PortDefinition>;
  /** An HTTP path answers when the service is ready; a TCP check when there is none; none for consumers. */
  health?: { port: string; path?: string };
  workload: Exclude<Workload, "daemonset">;
  /** Mount path of its persistent data, if it keeps any. */
  dataPath?: string;
  /** The image's numeric user; non-root, as the restricted Pod Security level requires. */
  user: number;
  /** The image writes outside its data volume, so its root cannot be read-only. */
  writableRoot?: boolean;
}

type VersionKey = keyof typeof versions.errorTracking;

function define(
  definition: Omit<TrackerServiceDefinition, "image"> & {
    image: { repository: string; tagPrefix?: string; version: Exclude<VersionKey, "$comment"> };
  },
): TrackerServiceDefinition {
  const { repository, tagPrefix = "", version } = definition.image;
  return {
    ...definition,
    image: { repository, tagPrefix, version: versions.errorTracking[version] },
  };
}

// A tracker's published ports take the services' error reports (and serve its UI).
const tcp = (port: number, published = false): PortDefinition => ({
  port,
  protocol: "tcp",
  published,
  ...(published && { intake: true }),
});

/** Sentry, Snuba and Relay images of one self-hosted release (getsentry/self-hosted pins them so). */
const sentryImage = { repository: "getsentry/sentry", version: "sentry" } as const;
const snubaImage = { repository: "getsentry/snuba", version: "sentry" } as const;

export const TRACKER_SERVICES: Record<TrackerServiceId, TrackerServiceDefinition> = {
  bugsink: define({
    id: "bugsink",
    serviceName: "bugsink",
    displayName: "Bugsink",
    image: { repository: "bugsink/bugsink", version: "bugsink" },
    // Bugsink listens on 8000 in its container; published on 9000, Sentry's well-known port.
    ports: { http: tcp(8000, true) },
    health: { port: "http", path: "/health/ready" },
    workload: "statefulset",
    dataPath: "/data",
    user: 14237,
  }),
  postgres: define({
    id: "postgres",
    serviceName: "sentry-postgres",
    displayName: "PostgreSQL (Sentry)",
    image: { repository: "postgres", version: "postgres" },
    ports: { postgres: tcp(5432) },
    health: { port: "postgres" },
    workload: "statefulset",
    dataPath: "/var/lib/postgresql/data",
    user: 999,
    writableRoot: true,
  }),
  redis: define({
    id: "redis",
    serviceName: "sentry-redis",
    displayName: "Redis (Sentry)",
    image: { repository: "redis", version: "redis" },
    ports: { redis: tcp(6379) },
    health: { port: "redis" },
    workload: "statefulset",
    dataPath: "/data",
    user: 999,
  }),
  memcached: define({
    id: "memcached",
    serviceName: "sentry-memcached",
    displayName: "memcached (Sentry)",
    image: { repository: "memcached", version: "memcached" },
    ports: { memcached: tcp(11211) },
    health: { port: "memcached" },
    workload: "deployment",
    user: 11211,
  }),
  kafka: define({
    id: "kafka",
    serviceName: "sentry-kafka",
    displayName: "Kafka (Sentry, KRaft)",
    image: { repository: "confluentinc/cp-kafka", version: "kafka" },
    ports: { kafka: tcp(9092), internal: tcp(9093) },
    health: { port: "kafka" },
    workload: "statefulset",
    dataPath: "/var/lib/kafka/data",
    user: 1000,
    writableRoot: true,
  }),
  clickhouse: define({
    id: "clickhouse",
    serviceName: "sentry-clickhouse",
    displayName: "ClickHouse (Sentry)",
    image: { repository: "altinity/clickhouse-server", version: "clickhouse" },
    ports: { http: tcp(8123), native: tcp(9000) },
    health: { port: "http", path: "/ping" },
    workload: "statefulset",
    dataPath: "/var/lib/clickhouse",
    user: 101,
    writableRoot: true,
  }),
  snubaApi: define({
    id: "snubaApi",
    serviceName: "snuba-api",
    displayName: "Snuba API",
    image: snubaImage,
    ports: { http: tcp(1218) },
    health: { port: "http", path: "/health" },
    workload: "deployment",
    user: 1000,
    writableRoot: true,
  }),
  snubaErrorsConsumer: define({
    id: "snubaErrorsConsumer",
    serviceName: "snuba-errors-consumer",
    displayName: "Snuba errors consumer",
    image: snubaImage,
    ports: {},
    workload: "deployment",
    user: 1000,
    writableRoot: true,
  }),
  snubaReplacer: define({
    id: "snubaReplacer",
    serviceName: "snuba-replacer",
    displayName: "Snuba replacer (errors)",
    image: snubaImage,
    ports: {},
    workload: "deployment",
    user: 1000,
    writableRoot: true,
  }),
  web: define({
    id: "web",
    serviceName: "sentry-web",
    displayName: "Sentry web",
    image: sentryImage,
    ports: { http: tcp(9000, true) },
    health: { port: "http", path: "/_health/" },
    workload: "deployment",
    user: 999,
    writableRoot: true,
  }),
  worker: define({
    id: "worker",
    serviceName: "sentry-worker",
    displayName: "Sentry worker",
    image: sentryImage,
    ports: {},
    workload: "deployment",
    user: 999,
    writableRoot: true,
  }),
  cron: define({
    id: "cron",
    serviceName: "sentry-cron",
    displayName: "Sentry cron",
    image: sentryImage,
    ports: {},
    workload: "deployment",
    user: 999,
    writableRoot: true,
  }),
  ingestConsumer: define({
    id: "ingestConsumer",
    serviceName: "sentry-ingest-consumer",
    displayName: "Sentry events consumer",
    image: sentryImage,
    ports: {},
    workload: "deployment",
    user: 999,
    writableRoot: true,
  }),
  postProcessForwarder: define({
    id: "postProcessForwarder",
    serviceName: "sentry-post-process-forwarder",
    displayName: "Sentry post-process forwarder (errors)",
    image: sentryImage,
    ports: {},
    workload: "deployment",
    user: 999,
    writableRoot: true,
  }),
  relay: define({
    id: "relay",
    serviceName: "sentry-relay",
    displayName: "Relay",
    image: { repository: "getsentry/relay", version: "sentry" },
    ports: { http: tcp(3000, true) },
    health: { port: "http", path: "/api/relay/healthcheck/ready/" },
    workload: "deployment",
    user: 10001,
  }),
  probe: define({
    id: "probe",
    serviceName: "error-tracker-probe",
    displayName: "Error tracker probe (blackbox exporter)",
    image: { repository: "prom/blackbox-exporter", tagPrefix: "v", version: "probe" },
    ports: { http: tcp(9115) },
    health: { port: "http", path: "/-/healthy" },
    workload: "deployment",
    user: 65534,
  }),
};

/** The services each in-stack mode runs, datastores first (the order they start in). */
export const MODE_SERVICES: Record<InStackMode, readonly TrackerServiceId[]> = {
  bugsink: ["bugsink", "probe"],
  "self-hosted": [
    "postgres",
    "redis",
    "memcached",
    "kafka",
    "clickhouse",
    "snubaApi",
    "snubaErrorsConsumer",
    "snubaReplacer",
    "web",
    "worker",
    "cron",
    "ingestConsumer",
    "postProcessForwarder",
    "relay",
    "probe",
  ],
};

/** Published port of each service's published port, when config does not say otherwise. */
export const DEFAULT_PUBLISHED_PORTS: Partial<Record<TrackerServiceId, Record<string, number>>> = {
  bugsink: { http: 9000 },
  web: { http: 9000 },
  relay: { http: 9001 },
};

export function defaultTrackerImageTag(definition: TrackerServiceDefinition): string {
  return `${definition.image.tagPrefix}${definition.image.version}`;
}
