/**
 * What Loki 3.7 requires of a single-binary config on a filesystem store, written from
 * Loki's documentation (docs/sources at v3.7.x: configure/_index.md, operations/storage/
 * retention.md, operations/storage/logs-deletion.md, operations/storage/schema/_index.md,
 * send-data/otel/_index.md, get-started/labels/structured-metadata.md), not from our
 * renderer. Loki cannot run here (Loki's Go module is AGPL, so it is not built):
 * these checks stand in for `loki -verify-config`, which caught unknown keys and invalid
 * combinations. Each problem is a sentence naming the key.
 */

/** Top-level blocks of Loki 3.7's configuration reference (configure/_index.md). */
export const LOKI_TOP_LEVEL_KEYS = new Set([
  "target",
  "auth_enabled",
  "ballast_bytes",
  "server",
  "distributor",
  "querier",
  "query_scheduler",
  "frontend",
  "query_range",
  "ruler",
  "ruler_storage",
  "ingester_client",
  "ingester",
  "pattern_ingester",
  "index_gateway",
  "bloom_build",
  "bloom_gateway",
  "storage_config",
  "chunk_store_config",
  "schema_config",
  "compactor",
  "compactor_grpc_client",
  "limits_config",
  "frontend_worker",
  "table_manager",
  "memberlist",
  "kafka_config",
  "dataobj",
  "ui",
  "runtime_config",
  "operational_config",
  "tracing",
  "analytics",
  "common",
  "shutdown_delay",
  "metrics_namespace",
]);

/** Keys of the blocks a single binary sets, as the reference names them. */
export const LOKI_BLOCK_KEYS: Record<string, Set<string>> = {
  server: new Set([
    "http_listen_network",
    "http_listen_address",
    "http_listen_port",
    "http_listen_conn_limit",
    "grpc_listen_network",
    "grpc_listen_address",
    "grpc_listen_port",
    "grpc_listen_conn_limit",
    "log_level",
    "log_format",
    "http_path_prefix",
    "graceful_shutdown_timeout",
    "http_server_read_timeout",
    "http_server_write_timeout",
    "http_server_idle_timeout",
    "grpc_server_max_recv_msg_size",
    "grpc_server_max_send_msg_size",
    "register_instrumentation",
  ]),
  common: new Set([
    "path_prefix",
    "storage",
    "persist_tokens",
    "replication_factor",
    "ring",
    "instance_addr",
    "instance_interface_names",
    "instance_enable_ipv6",
    "compactor_address",
    "compactor_grpc_address",
  ]),
  compactor: new Set([
    "working_directory",
    "compaction_interval",
    "apply_retention_interval",
    "retention_enabled",
    "retention_delete_delay",
    "retention_delete_worker_count",
    "retention_table_timeout",
    "delete_request_store",
    "delete_request_store_key_prefix",
    "delete_batch_size",
    "delete_request_cancel_period",
    "delete_max_interval",
    "max_compaction_parallelism",
    "upload_parallelism",
    "compactor_ring",
    "tables_to_compact",
    "skip_latest_n_tables",
  ]),
  limits_config: new Set([
    "ingestion_rate_strategy",
    "ingestion_rate_mb",
    "ingestion_burst_size_mb",
    "max_label_name_length",
    "max_label_value_length",
    "max_label_names_per_series",
    "reject_old_samples",
    "reject_old_samples_max_age",
    "creation_grace_period",
    "max_line_size",
    "max_line_size_truncate",
    "max_streams_per_user",
    "max_global_streams_per_user",
    "max_chunks_per_query",
    "max_query_series",
    "max_query_lookback",
    "max_query_length",
    "max_query_parallelism",
    "query_timeout",
    "split_queries_by_interval",
    "retention_period",
    "retention_stream",
    "allow_structured_metadata",
    "max_structured_metadata_size",
    "max_structured_metadata_entries_count",
    "volume_enabled",
    "volume_max_series",
    "discover_service_name",
    "discover_log_levels",
    "otlp_config",
    "deletion_mode",
    "per_stream_rate_limit",
    "per_stream_rate_limit_burst",
  ]),
  analytics: new Set(["reporting_enabled", "leader_election_enabled", "usage_stats_url"]),
};

/** A schema period's keys (period_config). */
const PERIOD_KEYS = new Set([
  "from",
  "index",
  "chunks",
  "row_shards",
  "object_store",
  "schema",
  "store",
]);

/** Stores `common.storage` (and `storage_config`) can configure, by their key. */
const OBJECT_STORES = new Set([
  "filesystem",
  "s3",
  "gcs",
  "azure",
  "swift",
  "bos",
  "cos",
  "alibabacloud",
]);

export interface LokiExpectations {
  /** The port the collector's OTLP exporter sends to. */
  httpPort: number;
  /** The stack's log retention, in hours. */
  retentionHours: number;
  /** The day the config is read on (the active schema period is the last one starting by then). */
  today: string;
}

type Block = Record<string, unknown>;
const isBlock = (value: unknown): value is Block =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Go duration text to hours (`168h`, `7d` is not Go but Loki's model.Duration accepts it too). */
function hours(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = /^(\d+)(h|d|w)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * { h: 1, d: 24, w: 168 }[match[2] as "h" | "d" | "w"];
}

export function lokiRequirementProblems(config: unknown, expected: LokiExpectations): string[] {
  if (!isBlock(config)) return ["the config is not a YAML mapping"];
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!LOKI_TOP_LEVEL_KEYS.has(key)) problems.push(`${key}: not a Loki 3.7 configuration block`);
  }
  for (const [block, keys] of Object.entries(LOKI_BLOCK_KEYS)) {
    const value = config[block];
    if (value === undefined) continue;
    if (!isBlock(value)) {
      problems.push(`${block}: must be a mapping`);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!keys.has(key)) problems.push(`${block}.${key}: not a key of ${block} in Loki 3.7`);
    }
  }

  // Single tenant: the collector sends no X-Scope-OrgID header, which auth_enabled requires.
  if (config.auth_enabled !== false) {
    problems.push(
      "auth_enabled: must be false (the collector sends no X-Scope-OrgID tenant header)",
    );
  }

  // The OTLP endpoint is /otlp/v1/logs on the HTTP port (send-data/otel).
  const server = isBlock(config.server) ? config.server : {};
  if ((server.http_listen_port ?? 3100) !== expected.httpPort) {
    problems.push(
      `server.http_listen_port: ${String(server.http_listen_port)} is not the port the collector sends OTLP to (${expected.httpPort})`,
    );
  }
  if (server.http_path_prefix !== undefined && server.http_path_prefix !== "/") {
    problems.push(
      "server.http_path_prefix: moves /otlp/v1/logs away from where the collector sends",
    );
  }

  // Storage: a single binary keeps chunks and rules on its filesystem, one replica.
  const common = isBlock(config.common) ? config.common : {};
  const storage = isBlock(common.storage) ? common.storage : {};
  const stores = new Set(Object.keys(storage).filter((key) => OBJECT_STORES.has(key)));
  if (stores.size === 0)
    problems.push("common.storage: names no object store (filesystem, s3, ...)");
  const filesystem = isBlock(storage.filesystem) ? storage.filesystem : undefined;
  if (filesystem && typeof filesystem.chunks_directory !== "string") {
    problems.push("common.storage.filesystem.chunks_directory: must be set");
  }
  if (common.replication_factor !== 1) {
    problems.push("common.replication_factor: must be 1 for a single instance");
  }
  const ring = isBlock(common.ring) ? common.ring : {};
  const kvstore = isBlock(ring.kvstore) ? ring.kvstore : {};
  if (kvstore.store !== "inmemory") {
    problems.push(
      "common.ring.kvstore.store: must be inmemory for a single instance without memberlist",
    );
  }

  // Schema: the active period is TSDB, v13, 24h index (schema docs; structured metadata and
  // OTLP ingestion need v13 and TSDB).
  const schema = isBlock(config.schema_config) ? config.schema_config : {};
  const periods = Array.isArray(schema.configs) ? (schema.configs as unknown[]) : [];
  if (periods.length === 0) problems.push("schema_config.configs: must list at least one period");
  let active: Block | undefined;
  periods.forEach((period, index) => {
    const at = `schema_config.configs[${index}]`;
    if (!isBlock(period)) {
      problems.push(`${at}: must be a mapping`);
      return;
    }
    for (const key of Object.keys(period)) {
      if (!PERIOD_KEYS.has(key)) problems.push(`${at}.${key}: not a key of a schema period`);
    }
    const from = typeof period.from === "string" ? period.from : String(period.from);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) problems.push(`${at}.from: must be a date YYYY-MM-DD`);
    else if (from <= expected.today) active = period;
    if (typeof period.object_store !== "string" || !stores.has(period.object_store)) {
      problems.push(
        `${at}.object_store: ${String(period.object_store)} is not a store common.storage configures (${[...stores].join(", ") || "none"})`,
      );
    }
  });
  if (periods.length > 0 && !active) {
    problems.push(`schema_config.configs: no period has started by ${expected.today}`);
  }
  if (active) {
    const index = isBlock(active.index) ? active.index : {};
    if (active.store !== "tsdb")
      problems.push("schema_config: the active period's store must be tsdb");
    if (active.schema !== "v13")
      problems.push("schema_config: the active period's schema must be v13");
    if (index.period !== "24h") {
      problems.push("schema_config: the active period's index.period must be 24h (TSDB)");
    }
    if (typeof index.prefix !== "string")
      problems.push("schema_config: the active period needs index.prefix");
  }

  // Limits: structured metadata is what OTLP attributes become (default true; false refuses OTLP).
  const limits = isBlock(config.limits_config) ? config.limits_config : {};
  if (limits.allow_structured_metadata === false) {
    problems.push(
      "limits_config.allow_structured_metadata: false makes Loki refuse OTLP log attributes",
    );
  }
  const retention = hours(limits.retention_period);
  if (retention === undefined) {
    problems.push(
      `limits_config.retention_period: ${String(limits.retention_period)} is not a duration in hours, days or weeks`,
    );
  } else {
    if (retention !== expected.retentionHours) {
      problems.push(
        `limits_config.retention_period: ${retention}h, the stack's retention.logs is ${expected.retentionHours}h`,
      );
    }
    if (retention < 24) {
      problems.push(
        "limits_config.retention_period: must be at least 24h (retention.md: the minimum)",
      );
    }
  }

  // Retention runs in the compactor; with retention on, it needs its delete-request store.
  const compactor = isBlock(config.compactor) ? config.compactor : {};
  if (compactor.retention_enabled !== true) {
    problems.push("compactor.retention_enabled: must be true, or logs are kept for ever");
  } else if (
    typeof compactor.delete_request_store !== "string" ||
    !stores.has(compactor.delete_request_store)
  ) {
    problems.push(
      `compactor.delete_request_store: ${String(compactor.delete_request_store)}: must name a configured store when retention_enabled is true`,
    );
  }
  if (typeof compactor.working_directory !== "string") {
    problems.push("compactor.working_directory: must be set");
  }
  return problems;
}
