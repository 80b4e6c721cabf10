/** Grafana watching itself, and what the stack provisions into it. */
import { renderDatasources } from "../../components/grafana/config";
import { Settings } from "../../config/settings";
import { text } from "../common";
import { buildDashboard, Folder } from "../layout";
import { componentVariables, processMemory, scrapeUp } from "../panels/stack";
import { DashboardFile } from "../types";

export const GRAFANA_UID = "stack-grafana";

/** The datasources and dashboards this stack provisions, as generated from its config. */
function provisioned(settings: Settings, dashboards: DashboardFile[]) {
  const datasources = renderDatasources(settings).datasources.map(
    (source) => `- **${source.name}** (\`${source.type}\`, uid \`${source.uid}\`)`,
  );
  const byFolder = new Map<string, DashboardFile[]>();
  for (const dashboard of dashboards) {
    byFolder.set(dashboard.folder, [...(byFolder.get(dashboard.folder) ?? []), dashboard]);
  }
  const folders = [...byFolder].map(
    ([folder, files]) =>
      `**${folder as Folder}**: ${files.map((file) => `[${(file.json as { title?: string }).title}](/d/${file.uid})`).join(", ")}`,
  );
  return text(
    "Provisioned by the stack",
    [
      "Files provisioned from stack config; edits in the UI are not kept.",
      "",
      "Datasources:",
      ...datasources,
      "",
      "Dashboards:",
      "",
      ...folders.flatMap((line) => [line, ""]),
    ].join("\n"),
    { width: 24, height: 10 },
  );
}

export function grafanaDashboard(settings: Settings, dashboards: DashboardFile[]) {
  return buildDashboard(settings, {
    uid: GRAFANA_UID,
    title: "Stack / Grafana",
    folder: "Stack",
    tags: ["stack", "self-monitoring", "grafana"],
    description:
      "Grafana's scrape target and memory, and the datasources and dashboards provisioned into it.",
    requires: ["grafana"],
    variables: componentVariables(settings, "grafana"),
    rows: [
      { panels: [scrapeUp("grafana"), processMemory("grafana")] },
      { title: "Provisioning", panels: [provisioned(settings, dashboards)] },
    ],
  });
}
