import { Settings } from "../config/settings";
import { stackOverview } from "./stack-overview";
import { DashboardFile } from "./types";

export type { DashboardFile } from "./types";

/** Every dashboard the stack provisions into Grafana. */
export function dashboardFiles(_settings: Settings): DashboardFile[] {
  return [stackOverview()];
}
