import { Settings } from "../config/settings";
import { costOptimizationDashboard } from "./business/cost-optimization";
import { creditUsageDashboard } from "./business/credit-usage";
import { llmAnalyticsDashboard } from "./business/llm-analytics";
import { operationsDashboard } from "./business/operations";
import { teamPerformanceDashboard } from "./business/team-performance";
import { infrastructureOverviewDashboard } from "./infrastructure/infrastructure-overview";
import { kubernetesWorkloadsDashboard } from "./infrastructure/kubernetes-workloads";
import { systemHealthDashboard } from "./infrastructure/system-health";
import { apiPerformanceDashboard } from "./services/api-performance";
import { integrationHealthDashboard } from "./services/integration-health";
import { logsDashboard } from "./services/logs";
import { requestFlowDashboard } from "./services/request-flow";
import { alertmanagerDashboard } from "./stack/alertmanager";
import { grafanaDashboard } from "./stack/grafana";
import { jaegerDashboard } from "./stack/jaeger";
import { lokiDashboard } from "./stack/loki";
import { otelCollectorDashboard } from "./stack/otel-collector";
import { stackOverviewDashboard } from "./stack/overview";
import { prometheusDashboard } from "./stack/prometheus";
import { prefixDashboard } from "./naming";
import { DashboardFile } from "./types";

export type { DashboardFile } from "./types";
export { alertInForce, alertThreshold, alertThresholds } from "./thresholds";

/** A dashboard for a stack, or undefined when the stack cannot show it. */
type DashboardFactory = (settings: Settings) => DashboardFile | undefined;

/** Every dashboard the product ships, by folder. */
const DASHBOARDS: DashboardFactory[] = [
  // Services
  requestFlowDashboard,
  apiPerformanceDashboard,
  integrationHealthDashboard,
  logsDashboard,
  // Business
  creditUsageDashboard,
  llmAnalyticsDashboard,
  costOptimizationDashboard,
  operationsDashboard,
  teamPerformanceDashboard,
  // Infrastructure
  infrastructureOverviewDashboard,
  systemHealthDashboard,
  kubernetesWorkloadsDashboard,
  // Stack
  stackOverviewDashboard,
  prometheusDashboard,
  alertmanagerDashboard,
  lokiDashboard,
  jaegerDashboard,
  otelCollectorDashboard,
];

function present(file: DashboardFile | undefined): file is DashboardFile {
  return file !== undefined;
}

/**
 * Every dashboard the stack provisions into Grafana for these settings, its queries naming
 * the application metrics as the stack's services expose them.
 */
export function dashboardFiles(settings: Settings): DashboardFile[] {
  const dashboards = DASHBOARDS.map((dashboard) => dashboard(settings)).filter(present);
  // Grafana's own dashboard lists the others, so it is built last.
  return [...dashboards, grafanaDashboard(settings, dashboards)]
    .filter(present)
    .map((file) => prefixDashboard(file, settings.applicationMetrics.prefix));
}
