import { Settings } from "../../config/settings";
import { baseSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import { renderCollectorConfig } from "./config";

const CONFIG_DIR = "/etc/otelcol";

export function otelCollectorSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "otelCollector", {
    args: [`--config=${CONFIG_DIR}/config.yml`],
    secretEnv: "dsn" in settings.sentry ? { SENTRY_DSN: settings.sentry.dsn } : {},
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: "config.yml",
        renderPath: "otel-collector/config.yml",
        content: toYaml(renderCollectorConfig(settings)),
      },
    ],
  });
}
