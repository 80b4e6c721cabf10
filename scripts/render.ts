/**
 * npm run render -- --stack <name> [--out <dir>] [--manifests]
 * Writes every generated config of a stack without deploying and without the Pulumi CLI.
 * --manifests (Kubernetes stacks) also writes, below kubernetes/, the objects the program
 * would apply, recorded from the program run under Pulumi's mocks (scripts/manifests).
 * --out must be a new or empty directory, or one an earlier render wrote (scripts/render-output.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { loadSettings } from "../config/load";
import { readStackFile } from "../config/stack-file";
import { renderStack } from "../components/render";
import { kubernetesManifests } from "./manifests";
import { claimOutputDir } from "./render-output";

// Like the Pulumi CLI, the stack files are read from the working directory (npm runs scripts from the project root).
const PROJECT_DIR = process.cwd();
const USAGE = "usage: npm run render -- --stack <name> [--out <dir>] [--manifests]";

function parseArgs(argv: string[]): { stack: string; out: string; manifests: boolean } {
  const args = new Map<string, string>();
  const manifests = argv.includes("--manifests");
  argv = argv.filter((arg) => arg !== "--manifests");
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    if (flag !== "--stack" && flag !== "--out")
      throw new Error(`unknown argument ${flag}; ${USAGE}`);
    if (argv[i + 1] === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    args.set(flag, argv[i + 1]);
  }
  const stack = args.get("--stack");
  if (!stack) throw new Error(USAGE);
  return {
    stack,
    out: path.resolve(args.get("--out") ?? path.join(PROJECT_DIR, "out", stack)),
    manifests,
  };
}

async function main(): Promise<void> {
  const { stack, out, manifests } = parseArgs(process.argv.slice(2));
  const settings = loadSettings(readStackFile(PROJECT_DIR, stack));
  const files = renderStack(settings);
  if (manifests) {
    files.push(...(await kubernetesManifests(settings)));
  }
  // Render everything before touching the output directory: nothing is half-written on error.
  claimOutputDir(out, stack);
  for (const file of files) {
    const target = path.join(out, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
  console.log(
    `rendered ${files.length} files for stack ${stack} into ${path.relative(process.cwd(), out) || "."}`,
  );
}

main().catch((error) => {
  console.error(
    error instanceof ConfigError ? error.message : `render failed: ${(error as Error).message}`,
  );
  process.exit(1);
});
