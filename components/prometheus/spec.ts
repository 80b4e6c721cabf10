import { Settings } from "../../config/settings";
import { ruleFiles } from "../../rules";
import { baseSpec, ServiceSpec } from "../spec";
import { toYaml } from "../yaml";
import {
  PROMETHEUS_CONFIG_DIR,
  prometheusArgs,
  renderPrometheusConfig,
  RULES_DIR,
  scrapesKubelets,
} from "./config";

export function prometheusSpec(settings: Settings): ServiceSpec {
  const rules = ruleFiles(settings);
  const spec = baseSpec(settings, "prometheus", {
    args: prometheusArgs(settings),
    configFiles: [
      {
        dir: PROMETHEUS_CONFIG_DIR,
        file: "prometheus.yml",
        renderPath: "prometheus/prometheus.yml",
        content: toYaml(
          renderPrometheusConfig(
            settings,
            rules.map((file) => file.name),
          ),
        ),
      },
      ...rules.map((file) => ({
        dir: RULES_DIR,
        file: file.name,
        renderPath: `prometheus/rules/${file.name}`,
        content: file.content,
      })),
    ],
  });
  return { ...spec, discoversHostAgents: true, scrapesKubelets: scrapesKubelets(settings) };
}
