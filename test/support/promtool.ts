import * as fs from "fs";
import * as path from "path";
import { toYaml } from "../../components/yaml";
import { AlertOverride, renderPack, renderPackTests } from "../../rules/render";
import { RulePack } from "../../rules/types";
import { run, RunResult, tool } from "./tools";

export interface RenderedPack {
  /** The rule file as Prometheus loads it. */
  ruleFile: string;
  /** The same rules without annotations, which the promtool tests load. */
  testRuleFile: string;
  testFile: string;
}

/** Writes a pack's rule file, the rule file its tests load and its promtool test file. */
export function writePack(
  dir: string,
  pack: RulePack,
  overrides: Record<string, AlertOverride> = {},
): RenderedPack {
  const ruleFile = path.join(dir, `${pack.name}.yml`);
  const testRuleFile = path.join(dir, `${pack.name}.test-rules.yml`);
  const testFile = path.join(dir, `${pack.name}.test.yml`);
  fs.writeFileSync(ruleFile, toYaml(renderPack(pack, overrides)));
  fs.writeFileSync(testRuleFile, toYaml(renderPack(pack, overrides, { annotations: false })));
  fs.writeFileSync(testFile, toYaml(renderPackTests(pack, path.basename(testRuleFile))));
  return { ruleFile, testRuleFile, testFile };
}

export function promtool(args: string[], cwd?: string): RunResult {
  return run(tool("promtool"), args, cwd);
}
