import { DashboardBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { DATASOURCE_UIDS } from "../components/grafana/datasources";
import { up } from "../metrics/exporters/prometheus";
import { sel } from "../metrics/promql";
import { DashboardFile } from "./types";

const prometheus = { type: "prometheus", uid: DATASOURCE_UIDS.prometheus };

/** One stat per scrape job: is every component of the stack up? */
export function stackOverview(): DashboardFile {
  const dashboard = new DashboardBuilder("Stack overview")
    .uid("stack-overview")
    .tags(["observability-stack", "self-monitoring"])
    .refresh("30s")
    .time({ from: "now-1h", to: "now" })
    .withPanel(
      new StatPanel()
        .title("Targets up")
        .unit("none")
        .datasource(prometheus)
        .gridPos({ x: 0, y: 0, w: 24, h: 6 })
        .withTarget(new DataqueryBuilder().expr(`sum by (job) (${sel(up)})`).legendFormat("{{ job }}")),
    );
  return { uid: "stack-overview", folder: "Stack", json: dashboard.build() };
}
