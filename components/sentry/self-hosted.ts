import { Settings } from "../../config/settings";
import { ConfigFile, JobSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import { TRACKER_SERVICES, TrackerServiceId } from "./definition";
import { probeSpec } from "./probe";
import { InStackSentry, TrackerPlan, trackerAddress, trackerJob, trackerSpec } from "./spec";

/**
 * Sentry's errors-only self-hosted set on Kubernetes, after getsentry/self-hosted's compose
 * file with `COMPOSE_PROFILES=errors-only`: the datastores, Snuba's API and errors consumers,
 * Sentry's web, worker, cron and errors consumers, and Relay in front. nginx is left out:
 * users reach `sentry-web` (UI, API) and SDKs reach `sentry-relay` (the DSN's host). Kafka runs
 * in KRaft mode (no ZooKeeper) and creates topics on first use. Rendered and previewed here;
 * no machine of this project can run it (it needs 7000 MiB and 2 CPUs by Sentry's own count).
 */

export const SENTRY_ADMIN_EMAIL = "admin@observability-stack.local";
/** The organization and team `sentry upgrade` creates; the stack's project joins them. */
export const SENTRY_ORGANIZATION = "sentry";
export const SENTRY_TEAM = "sentry";
export const SENTRY_PROJECT = "services";

const SENTRY_CONF = "/etc/sentry";
const SNUBA_URL = `http://${trackerAddress("snubaApi", "http")}`;
const RETENTION_DAYS = "90";

/** Who connects to whom inside the tracker: each service's clients, for its NetworkPolicy. */
const SENTRY_APPS = [
  "web",
  "worker",
  "cron",
  "ingestConsumer",
  "postProcessForwarder",
] as const satisfies TrackerServiceId[];
const SNUBA_APPS = ["snubaApi", "snubaErrorsConsumer", "snubaReplacer"] as const;
export const JOB_NAMES = { snubaBootstrap: "snuba-bootstrap", sentryUpgrade: "sentry-upgrade" };

const names = (ids: readonly TrackerServiceId[]) =>
  ids.map((id) => TRACKER_SERVICES[id].serviceName);

/** sentry.conf.py: self-hosted's example, trimmed to the errors-only set and our addresses. */
export function renderSentryConf(): string {
  const redis = TRACKER_SERVICES.redis;
  return `# Rendered by observability-stack (components/sentry/self-hosted.ts); after getsentry/self-hosted.
import os

from sentry.conf.server import *  # noqa


def env(key, default=""):
    return os.environ.get(key, default)


DATABASES = {
    "default": {
        "ENGINE": "sentry.db.postgres",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "${TRACKER_SERVICES.postgres.serviceName}",
        "PORT": "${TRACKER_SERVICES.postgres.ports.postgres.port}",
    }
}
SENTRY_USE_BIG_INTS = True
SENTRY_SINGLE_ORGANIZATION = True
SECRET_KEY = env("SENTRY_SECRET_KEY")
SENTRY_OPTIONS["system.secret-key"] = SECRET_KEY
SENTRY_OPTIONS["system.event-retention-days"] = int(env("SENTRY_EVENT_RETENTION_DAYS", "${RETENTION_DAYS}"))

SENTRY_OPTIONS["redis.clusters"] = {
    "default": {"hosts": {0: {"host": "${redis.serviceName}", "password": "", "port": "${redis.ports.redis.port}", "db": "0"}}}
}
SENTRY_CACHE = "sentry.cache.redis.RedisCache"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": ["${trackerAddress("memcached", "memcached")}"],
        "TIMEOUT": 3600,
        "OPTIONS": {"ignore_exc": True},
    }
}

DEFAULT_KAFKA_OPTIONS = {
    "bootstrap.servers": "${trackerAddress("kafka", "kafka")}",
    "message.max.bytes": 50000000,
    "socket.timeout.ms": 1000,
}
SENTRY_EVENTSTREAM = "sentry.eventstream.kafka.KafkaEventStream"
SENTRY_EVENTSTREAM_OPTIONS = {"producer_configuration": DEFAULT_KAFKA_OPTIONS}
KAFKA_CLUSTERS["default"] = DEFAULT_KAFKA_OPTIONS

SENTRY_RATELIMITER = "sentry.ratelimits.redis.RedisRateLimiter"
SENTRY_BUFFER = "sentry.buffer.redis.RedisBuffer"
SENTRY_QUOTAS = "sentry.quotas.redis.RedisQuota"
SENTRY_TSDB = "sentry.tsdb.redissnuba.RedisSnubaTSDB"
SENTRY_SEARCH = "sentry.search.snuba.EventsDatasetSnubaSearchBackend"
SENTRY_SEARCH_OPTIONS = {}
SENTRY_TAGSTORE_OPTIONS = {}
SENTRY_DIGESTS = "sentry.digests.backends.redis.RedisBackend"
SNUBA = "${SNUBA_URL}"

SENTRY_WEB_HOST = "0.0.0.0"
SENTRY_WEB_PORT = ${TRACKER_SERVICES.web.ports.http.port}
SENTRY_WEB_OPTIONS = {
    "http": "%s:%s" % (SENTRY_WEB_HOST, SENTRY_WEB_PORT),
    "protocol": "uwsgi",
    "uwsgi-socket": None,
    "so-keepalive": True,
    "http-keepalive": True,
    "http-chunked-input": True,
    "memory-report": False,
    "workers": 3,
    "threads": 4,
}

# Relays of this stack register themselves; NetworkPolicies keep anyone else from reaching web.
SENTRY_RELAY_WHITELIST_PK = []
SENTRY_RELAY_OPEN_REGISTRATION = True

# Errors only: no transactions, profiles, replays or metrics consumers run in this set.
SENTRY_FEATURES["organizations:performance-view"] = False
SENTRY_FEATURES["organizations:session-replay"] = False
SENTRY_FEATURES["organizations:profiling"] = False
SENTRY_FEATURES["organizations:discover-basic"] = True
SENTRY_FEATURES["organizations:global-views"] = True
SENTRY_BEACON = False
`;
}

/** config.yml: where Sentry says it lives, mail off, files on the pod's scratch disk. */
export function renderSentryConfig(settings: Settings, url: string) {
  return {
    "system.url-prefix": url,
    "system.internal-url-prefix": `http://${trackerAddress("web", "http")}`,
    "system.admin-email": SENTRY_ADMIN_EMAIL,
    "mail.backend": "dummy",
    // Attachments and source maps are not kept across restarts: errors-only, and no shared volume.
    "filestore.backend": "filesystem",
    "filestore.options": { location: "/tmp/sentry-files" },
    "beacon.anonymous": true,
    "system.event-retention-days": Number(RETENTION_DAYS),
    "observability-stack.stack": settings.stack,
  };
}

/** Relay in processing mode, upstream Sentry web, writing to Kafka and Redis like self-hosted's. */
export function renderRelayConfig() {
  return {
    relay: {
      upstream: `http://${trackerAddress("web", "http")}/`,
      host: "0.0.0.0",
      port: TRACKER_SERVICES.relay.ports.http.port,
    },
    logging: { level: "WARN" },
    processing: {
      enabled: true,
      kafka_config: [
        { name: "bootstrap.servers", value: trackerAddress("kafka", "kafka") },
        { name: "message.max.bytes", value: 50000000 },
      ],
      redis: `redis://${trackerAddress("redis", "redis")}`,
    },
    // Relay cannot always read a container's memory limit (getsentry/self-hosted#3330).
    health: { max_memory_percent: 1.0 },
  };
}

/** ClickHouse as self-hosted configures it: console logs, no system log tables, Snuba's settings. */
export function renderClickhouseConfig(): string {
  return `<!-- Rendered by observability-stack; after getsentry/self-hosted clickhouse/config.xml. -->
<clickhouse>
  <max_server_memory_usage_to_ram_ratio>0.3</max_server_memory_usage_to_ram_ratio>
  <logger><level>warning</level><console>true</console></logger>
  <query_thread_log remove="remove"/>
  <query_log remove="remove"/>
  <text_log remove="remove"/>
  <trace_log remove="remove"/>
  <metric_log remove="remove"/>
  <asynchronous_metric_log remove="remove"/>
  <session_log remove="remove"/>
  <part_log remove="remove"/>
  <allow_nullable_key>1</allow_nullable_key>
  <merge_tree><enable_mixed_granularity_parts>1</enable_mixed_granularity_parts></merge_tree>
</clickhouse>
`;
}

/** Snuba connects as ClickHouse's default user from its own pods (NetworkPolicy limits who). */
export function renderClickhouseUsers(): string {
  return `<clickhouse>
  <users><default><networks replace="replace"><ip>::/0</ip></networks></default></users>
</clickhouse>
`;
}

function file(dir: string, name: string, renderPath: string, content: string): ConfigFile {
  return { dir, file: name, renderPath: `sentry/${renderPath}`, content };
}

function sentryFiles(settings: Settings, sentry: InStackSentry): ConfigFile[] {
  return [
    file(SENTRY_CONF, "sentry.conf.py", "config/sentry.conf.py", renderSentryConf()),
    file(
      SENTRY_CONF,
      "config.yml",
      "config/config.yml",
      toYaml(renderSentryConfig(settings, sentry.url)),
    ),
  ];
}

const sentryEnv = {
  SENTRY_CONF,
  SNUBA: SNUBA_URL,
  SENTRY_EVENT_RETENTION_DAYS: RETENTION_DAYS,
};
const snubaEnv = {
  SNUBA_SETTINGS: "self_hosted",
  CLICKHOUSE_HOST: TRACKER_SERVICES.clickhouse.serviceName,
  CLICKHOUSE_PORT: String(TRACKER_SERVICES.clickhouse.ports.native.port),
  CLICKHOUSE_HTTP_PORT: String(TRACKER_SERVICES.clickhouse.ports.http.port),
  DEFAULT_BROKERS: trackerAddress("kafka", "kafka"),
  REDIS_HOST: TRACKER_SERVICES.redis.serviceName,
  UWSGI_MAX_REQUESTS: "10000",
  UWSGI_DISABLE_LOGGING: "true",
  SENTRY_EVENT_RETENTION_DAYS: RETENTION_DAYS,
};

/** A Sentry service: the sentry image with its config, secret key and command. */
function sentryService(
  settings: Settings,
  sentry: InStackSentry,
  id: (typeof SENTRY_APPS)[number],
  args: string[],
  clients: string[] = [],
): ServiceSpec<TrackerServiceId> {
  return trackerSpec(sentry, id, {
    args,
    env: sentryEnv,
    secretEnv: { SENTRY_SECRET_KEY: { secret: "sentrySecretKey" } },
    configFiles: sentryFiles(settings, sentry),
    clients,
  });
}

function snubaService(
  sentry: InStackSentry,
  id: (typeof SNUBA_APPS)[number],
  args: string[],
  clients: string[] = [],
): ServiceSpec<TrackerServiceId> {
  return trackerSpec(sentry, id, { args, env: snubaEnv, clients });
}

/** Runs `sentry upgrade` (schema and defaults), then makes the admin user and the stack's API token. */
function upgradeScript(): string {
  const token = [
    "import os",
    "from sentry.models.apitoken import ApiToken",
    "from sentry.users.models.user import User",
    "user = User.objects.get(email=os.environ['SENTRY_ADMIN_EMAIL'])",
    "t = os.environ['SENTRY_API_TOKEN']",
    "ApiToken.objects.filter(token=t).exists() or ApiToken.objects.create(user=user, token=t, expires_at=None, scope_list=['org:read', 'team:read', 'project:read', 'project:write', 'project:admin'])",
  ].join("; ");
  return [
    "sentry upgrade --noinput",
    'sentry createuser --email "$SENTRY_ADMIN_EMAIL" --password "$SENTRY_ADMIN_PASSWORD" --superuser --no-input --force-update',
    `sentry exec -c "${token}"`,
  ].join(" && ");
}

export function selfHostedPlan(settings: Settings, sentry: InStackSentry): TrackerPlan {
  const sentryApps = names(SENTRY_APPS);
  const snubaApps = names(SNUBA_APPS);
  const relay = TRACKER_SERVICES.relay.serviceName;
  const probe = TRACKER_SERVICES.probe.serviceName;
  const { snubaBootstrap, sentryUpgrade } = JOB_NAMES;

  const datastores: ServiceSpec<TrackerServiceId>[] = [
    trackerSpec(sentry, "postgres", {
      args: [
        "postgres",
        "-c",
        "max_connections=100",
        "-c",
        "wal_level=logical",
        "-c",
        "max_replication_slots=1",
        "-c",
        "max_wal_senders=1",
      ],
      // Reachable only from Sentry's own pods (NetworkPolicy), as in self-hosted's compose.
      env: {
        POSTGRES_HOST_AUTH_METHOD: "trust",
        PGDATA: `${TRACKER_SERVICES.postgres.dataPath}/pgdata`,
      },
      clients: [...sentryApps, sentryUpgrade],
    }),
    trackerSpec(sentry, "redis", {
      args: [
        "redis-server",
        "--dir",
        TRACKER_SERVICES.redis.dataPath!,
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      clients: [...sentryApps, ...snubaApps, relay, sentryUpgrade, snubaBootstrap],
    }),
    trackerSpec(sentry, "memcached", {
      args: ["memcached", "-I", "1M", "-m", "96"],
      clients: [...sentryApps, sentryUpgrade],
    }),
    trackerSpec(sentry, "kafka", {
      env: {
        KAFKA_PROCESS_ROLES: "broker,controller",
        KAFKA_NODE_ID: "1",
        // A fixed cluster id: the one broker formats its volume once and keeps it.
        CLUSTER_ID: "b2JzZXJ2YWJpbGl0eS1zdA",
        KAFKA_CONTROLLER_QUORUM_VOTERS: "1@127.0.0.1:29093",
        KAFKA_LISTENERS:
          "PLAINTEXT://0.0.0.0:9092,INTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:29093",
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${trackerAddress("kafka", "kafka")},INTERNAL://${trackerAddress("kafka", "internal")}`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
          "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        KAFKA_INTER_BROKER_LISTENER_NAME: "INTERNAL",
        KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
        KAFKA_LOG_DIRS: `${TRACKER_SERVICES.kafka.dataPath}/kraft`,
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "1",
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
        KAFKA_LOG_RETENTION_HOURS: "24",
        KAFKA_MESSAGE_MAX_BYTES: "50000000",
        KAFKA_MAX_REQUEST_SIZE: "50000000",
        KAFKA_HEAP_OPTS: "-Xms512m -Xmx512m",
        CONFLUENT_SUPPORT_METRICS_ENABLE: "false",
        KAFKA_LOG4J_ROOT_LOGLEVEL: "WARN",
        KAFKA_TOOLS_LOG4J_LOGLEVEL: "WARN",
      },
      clients: [...sentryApps, ...snubaApps, relay, sentryUpgrade, snubaBootstrap],
    }),
    trackerSpec(sentry, "clickhouse", {
      env: { MAX_MEMORY_USAGE_RATIO: "0.3" },
      configFiles: [
        file(
          "/etc/clickhouse-server/config.d",
          "sentry.xml",
          "clickhouse/config.d/sentry.xml",
          renderClickhouseConfig(),
        ),
        file(
          "/etc/clickhouse-server/users.d",
          "default.xml",
          "clickhouse/users.d/default.xml",
          renderClickhouseUsers(),
        ),
      ],
      clients: [...snubaApps, snubaBootstrap, probe],
    }),
  ];
  const snuba = [
    snubaService(sentry, "snubaApi", ["api"], [...sentryApps, sentryUpgrade, probe]),
    snubaService(sentry, "snubaErrorsConsumer", [
      "rust-consumer",
      "--storage",
      "errors",
      "--consumer-group",
      "snuba-consumers",
      "--auto-offset-reset=latest",
      "--max-batch-time-ms",
      "750",
      "--no-strict-offset-reset",
    ]),
    snubaService(sentry, "snubaReplacer", [
      "replacer",
      "--storage",
      "errors",
      "--auto-offset-reset=latest",
      "--no-strict-offset-reset",
    ]),
  ];
  const apps = [
    sentryService(settings, sentry, "web", ["run", "web"], [relay, probe]),
    sentryService(settings, sentry, "worker", ["run", "worker"]),
    sentryService(settings, sentry, "cron", ["run", "cron"]),
    sentryService(settings, sentry, "ingestConsumer", [
      "run",
      "consumer",
      "ingest-events",
      "--consumer-group",
      "ingest-consumer",
    ]),
    sentryService(settings, sentry, "postProcessForwarder", [
      "run",
      "consumer",
      "post-process-forwarder-errors",
      "--consumer-group",
      "post-process-forwarder",
      "--synchronize-commit-log-topic=snuba-commit-log",
      "--synchronize-commit-group=snuba-consumers",
    ]),
  ];
  const relaySpec = trackerSpec(sentry, "relay", {
    // Relay writes its credentials next to its config: a scratch copy, a fresh identity per
    // start (Sentry accepts open registration from inside the namespace).
    args: [
      "/bin/sh",
      "-c",
      "mkdir -p /tmp/relay && cp /etc/relay/config.yml /tmp/relay/ && relay --config /tmp/relay credentials generate --overwrite && exec relay --config /tmp/relay run",
    ],
    configFiles: [
      file("/etc/relay", "config.yml", "relay/config.yml", toYaml(renderRelayConfig())),
    ],
    clients: [probe],
  });

  const jobs: JobSpec[] = [
    trackerJob(sentry, "snubaApi", {
      id: "snubaBootstrap",
      name: snubaBootstrap,
      args: ["bootstrap", "--force"],
      env: snubaEnv,
    }),
    trackerJob(sentry, "web", {
      id: "sentryUpgrade",
      name: sentryUpgrade,
      args: ["/bin/sh", "-c", upgradeScript()],
      env: { ...sentryEnv, SENTRY_ADMIN_EMAIL },
      secretEnv: {
        SENTRY_SECRET_KEY: { secret: "sentrySecretKey" },
        SENTRY_ADMIN_PASSWORD: { secret: "sentryAdminPassword" },
        SENTRY_API_TOKEN: { secret: "sentryApiToken" },
      },
      configFiles: sentryFiles(settings, sentry),
    }),
  ];
  const name = (id: TrackerServiceId) => TRACKER_SERVICES[id].serviceName;
  const stores = ["postgres", "redis", "memcached", "kafka", "clickhouse"] as const;
  const waitsFor: Record<string, string[]> = {
    [snubaBootstrap]: [name("clickhouse"), name("kafka"), name("redis")],
    ...Object.fromEntries(snubaApps.map((app) => [app, [snubaBootstrap]])),
    [sentryUpgrade]: [...stores.map(name), name("snubaApi")],
    // Web and the workers start once the schema is migrated (the upgrade job completed).
    ...Object.fromEntries(sentryApps.map((app) => [app, [sentryUpgrade]])),
    [relay]: [name("web")],
  };
  return {
    mode: "self-hosted",
    services: [...datastores, ...snuba, ...apps, relaySpec, probeSpec(settings, sentry)],
    jobs,
    waitsFor,
  };
}
