import { Settings } from "../config/settings";
import { toYaml } from "../components/yaml";
import { RULE_PACKS } from "./packs";
import { renderPack } from "./render";

export interface RuleFile {
  name: string;
  content: string;
}

/**
 * The rule files of a stack: one per enabled pack, with the stack's overrides applied and its
 * application metrics named as its services expose them.
 */
export function ruleFiles(settings: Settings): RuleFile[] {
  return RULE_PACKS.filter((pack) => settings.rules.packs.includes(pack.name)).map((pack) => ({
    name: `${pack.name}.yml`,
    content: toYaml(
      renderPack(pack, settings.rules.overrides, {
        metricPrefix: settings.applicationMetrics.prefix,
      }),
    ),
  }));
}
