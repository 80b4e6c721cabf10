import { Settings } from "../../config/settings";
import { renderAlertmanagerConfig } from "../../rules/alertmanager";
import { CATALOG } from "../catalog";
import { baseSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";

const CONFIG_DIR = "/etc/alertmanager";
const CONFIG_FILE = "alertmanager.yml";

export function alertmanagerSpec(settings: Settings): ServiceSpec {
  const { config, secretFiles } = renderAlertmanagerConfig(settings);
  return baseSpec(settings, "alertmanager", {
    args: [
      `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
      `--storage.path=${CATALOG.alertmanager.dataPath}`,
      "--cluster.listen-address=",
    ],
    configFiles: [
      {
        dir: CONFIG_DIR,
        file: CONFIG_FILE,
        renderPath: "alertmanager/alertmanager.yml",
        content: toYaml(config),
      },
    ],
    secretFiles,
  });
}
