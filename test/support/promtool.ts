import * as fs from "fs";
import * as path from "path";
import { toYaml } from "../../components/yaml";
import { AlertOverride, renderPack, renderPackTests, RenderOptions } from "../../rules/render";
import { RulePack } from "../../rules/types";
import { run, RunResult, tool } from "./tools";

export interface RenderedPack {
  /** The rule file as Prometheus loads it. */
  ruleFile: string;
  /** The same rules without annotations, which the promtool tests load. */
  testRuleFile: string;
  testFile: string;
}

/**
 * Writes a pack's rule file, the rule file its tests load and its promtool test file, the
 * rules and the tests' input series under `metricPrefix` (a stack's applicationMetrics.prefix).
 */
export function writePack(
  dir: string,
  pack: RulePack,
  overrides: Record<string, AlertOverride> = {},
  { metricPrefix }: Pick<RenderOptions, "metricPrefix"> = {},
): RenderedPack {
  const ruleFile = path.join(dir, `${pack.name}.yml`);
  const testRuleFile = path.join(dir, `${pack.name}.test-rules.yml`);
  const testFile = path.join(dir, `${pack.name}.test.yml`);
  fs.writeFileSync(ruleFile, toYaml(renderPack(pack, overrides, { metricPrefix })));
  fs.writeFileSync(
    testRuleFile,
    toYaml(renderPack(pack, overrides, { annotations: false, metricPrefix })),
  );
  fs.writeFileSync(
    testFile,
    toYaml(renderPackTests(pack, path.basename(testRuleFile), { metricPrefix })),
  );
  return { ruleFile, testRuleFile, testFile };
}

export function promtool(args: string[], cwd?: string): RunResult {
  return run(tool("promtool"), args, cwd);
}
