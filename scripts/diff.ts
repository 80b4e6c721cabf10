/**
 * npm run diff -- --base <git ref> [--stack <name>...] [--format markdown|json] [--preview]
 *
 * Renders each stack at the base ref (with the base's code) and in the working tree, compares
 * the typed models (rules, routing, dashboards, components, budget), and prints the result for
 * a pull-request comment. Exits 0 whether or not anything changed; 1 when git fails, 2 on bad
 * arguments.
 */
import * as fs from "fs";
import { DiffReport, diffStack } from "../diff/compare";
import {
  exportCommit,
  extractModels,
  git,
  GitError,
  resolveCommit,
  stackNames,
} from "../diff/checkout";
import { toJson, toMarkdown } from "../diff/format";
import { runPreview } from "../diff/preview";

// Like `npm run render`, the project is the working directory (npm runs scripts from its root).
const PROJECT_DIR = process.cwd();
const USAGE =
  "usage: npm run diff -- --base <git ref> [--stack <name>...] [--format markdown|json] [--preview]";

class UsageError extends Error {}

interface Options {
  base: string;
  stacks: string[];
  format: "markdown" | "json";
  preview: boolean;
}

export function parseArgs(argv: string[]): Options {
  const options: Partial<Options> & { stacks: string[] } = { stacks: [], preview: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--preview") {
      options.preview = true;
      continue;
    }
    if (flag !== "--base" && flag !== "--stack" && flag !== "--format") {
      throw new UsageError(`unknown argument ${flag}; ${USAGE}`);
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new UsageError(`${flag} needs a value; ${USAGE}`);
    }
    if (flag === "--base") options.base = value;
    if (flag === "--stack") options.stacks.push(value);
    if (flag === "--format") {
      if (value !== "markdown" && value !== "json") {
        throw new UsageError(`--format must be markdown or json; ${USAGE}`);
      }
      options.format = value;
    }
  }
  if (!options.base) throw new UsageError(`--base is required; ${USAGE}`);
  return {
    base: options.base,
    stacks: options.stacks,
    format: options.format ?? "markdown",
    preview: options.preview ?? false,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const commit = resolveCommit(PROJECT_DIR, options.base);
  const head = git(PROJECT_DIR, ["rev-parse", "--short", "HEAD"]).trim();
  const baseDir = exportCommit(PROJECT_DIR, commit);
  try {
    const known = [...new Set([...stackNames(baseDir), ...stackNames(PROJECT_DIR)])].sort();
    const unknown = options.stacks.filter((stack) => !known.includes(stack));
    if (unknown.length > 0) {
      throw new UsageError(
        `no stack file Pulumi.${unknown[0]}.yaml at ${options.base} or in the working tree; stacks: ${known.join(", ")}`,
      );
    }
    const stacks = options.stacks.length > 0 ? options.stacks : known;
    const [before, after] = await Promise.all([
      extractModels(baseDir, stacks),
      extractModels(PROJECT_DIR, stacks),
    ]);
    const report: DiffReport = {
      base: { ref: options.base, commit },
      head: `the working tree (HEAD ${head})`,
      stacks: stacks.map((stack, index) => {
        const diff = diffStack(before[index], after[index]);
        if (!options.preview) return diff;
        const model = after[index];
        const target =
          model.state === "rendered" && model.settings.ok ? model.settings.value.target : null;
        const preview = runPreview({ stack, projectDir: PROJECT_DIR, target, env: process.env });
        const stateful =
          preview.status === "ok" ? preview.replaces.filter((replace) => replace.stateful) : [];
        return {
          ...diff,
          preview,
          warnings: [
            ...diff.warnings,
            ...stateful.map((replace) => ({
              summary: `replaces ${replace.name}`,
              detail: `pulumi preview replaces ${replace.name} (${replace.type}): stateful, data may be lost`,
            })),
          ],
        };
      }),
    };
    process.stdout.write(options.format === "json" ? toJson(report) : toMarkdown(report));
  } finally {
    fs.rmSync(baseDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error instanceof GitError ? error.message : `diff failed: ${error.message}`);
    process.exit(1);
  });
}
