import { Settings } from "../../config/settings";
import { dashboardFiles } from "../../dashboards";
import { baseSpec, ServiceSpec } from "../spec";
import { toJson, toYaml } from "../yaml";
import {
  GRAFANA_DASHBOARDS_DIR,
  GRAFANA_PROVISIONING_DIR,
  renderDashboardProvider,
  renderDatasources,
} from "./config";

export const GRAFANA_ADMIN_USER = "admin";

export function grafanaSpec(settings: Settings): ServiceSpec {
  return baseSpec(settings, "grafana", {
    env: {
      GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER,
      GF_PATHS_PROVISIONING: GRAFANA_PROVISIONING_DIR,
      GF_USERS_ALLOW_SIGN_UP: "false",
      GF_ANALYTICS_REPORTING_ENABLED: "false",
      GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
      GF_METRICS_ENABLED: "true",
    },
    secretEnv: {
      GF_SECURITY_ADMIN_PASSWORD: { secret: "grafanaAdminPassword" },
      ...(settings.sentry.mode === "external" ? { SENTRY_DSN: settings.sentry.dsn } : {}),
    },
    configFiles: [
      {
        dir: GRAFANA_PROVISIONING_DIR,
        file: "datasources/datasources.yml",
        renderPath: "grafana/provisioning/datasources/datasources.yml",
        content: toYaml(renderDatasources(settings)),
      },
      {
        dir: GRAFANA_PROVISIONING_DIR,
        file: "dashboards/dashboards.yml",
        renderPath: "grafana/provisioning/dashboards/dashboards.yml",
        content: toYaml(renderDashboardProvider()),
      },
      ...dashboardFiles(settings).map((dashboard) => ({
        dir: GRAFANA_DASHBOARDS_DIR,
        file: `${dashboard.folder}/${dashboard.uid}.json`,
        renderPath: `grafana/dashboards/${dashboard.uid}.json`,
        content: toJson(dashboard.json),
      })),
    ],
  });
}
