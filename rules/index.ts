import { Settings } from "../config/settings";
import { scrapeJobNames } from "../components/prometheus/config";
import { toYaml } from "../components/yaml";
import { RULE_PACKS } from "./packs";
import { renderPack } from "./render";

export interface RuleFile {
  name: string;
  content: string;
}

/**
 * The rule files of a stack: one per enabled pack, with the stack's overrides applied, its
 * application metrics named as its services expose them, and without the alerts about a
 * scrape job the stack's Prometheus does not have.
 */
export function ruleFiles(settings: Settings): RuleFile[] {
  const scrapedJobs = new Set(scrapeJobNames(settings));
  return RULE_PACKS.filter((pack) => settings.rules.packs.includes(pack.name)).map((pack) => ({
    name: `${pack.name}.yml`,
    content: toYaml(
      renderPack(pack, settings.rules.overrides, {
        metricPrefix: settings.applicationMetrics.prefix,
        scrapedJobs,
      }),
    ),
  }));
}
