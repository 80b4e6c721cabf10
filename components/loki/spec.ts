import { toGoDuration } from "../../config/duration";
import { Settings } from "../../config/settings";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import { lokiStandInSpec } from "./stand-in";

const CONFIG_DIR = "/etc/loki";

export function renderLokiConfig(settings: Settings) {
  const data = CATALOG.loki.dataPath;
  return {
    auth_enabled: false,
    server: {
      http_listen_port: CATALOG.loki.ports.http.port,
      grpc_listen_port: CATALOG.loki.ports.grpc.port,
      log_level: "info",
    },
    common: {
      instance_addr: "127.0.0.1",
      path_prefix: data,
      replication_factor: 1,
      ring: { kvstore: { store: "inmemory" } },
      storage: {
        filesystem: { chunks_directory: `${data}/chunks`, rules_directory: `${data}/rules` },
      },
    },
    schema_config: {
      configs: [
        {
          from: "2024-04-01",
          store: "tsdb",
          object_store: "filesystem",
          schema: "v13",
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    limits_config: {
      retention_period: toGoDuration(settings.retention.logs),
      allow_structured_metadata: true,
      volume_enabled: true,
    },
    compactor: {
      working_directory: `${data}/compactor`,
      retention_enabled: true,
      delete_request_store: "filesystem",
    },
    analytics: { reporting_enabled: false },
  };
}

export function lokiSpec(settings: Settings): ServiceSpec {
  if (settings.components.loki.standIn === "collector") return lokiStandInSpec(settings);
  return baseSpec(settings, "loki", {
    args: [`-config.file=${CONFIG_DIR}/loki.yml`],
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: "loki.yml",
        renderPath: "loki/loki.yml",
        content: toYaml(renderLokiConfig(settings)),
      },
    ],
  });
}
