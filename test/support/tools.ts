import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const INSTALL_SCRIPT = path.resolve(__dirname, "../../scripts/toolchain/install.sh");
let pinnedDirs: string[] | undefined;

/**
 * The toolchain's bin directories at the keys versions.json (and, for the collector, its
 * builder manifest) pin, as install.sh reports them: the cache may hold other builds of a
 * tool beside them (an older version, a collector from another manifest).
 */
function pinnedBinDirs(): string[] {
  pinnedDirs ??= execFileSync(INSTALL_SCRIPT, ["--print-path"], { encoding: "utf8" })
    .trim()
    .split(":")
    .filter(Boolean);
  return pinnedDirs;
}

/**
 * A validator binary at the version the stack deploys: from PATH when scripts/toolchain/env.sh
 * was sourced, else from the toolchain cache entry install.sh names. Tests fail (never skip)
 * when it is missing: `.ci/run` installs it.
 */
export function tool(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  for (const dir of pinnedBinDirs()) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  const cache =
    process.env.OBS_TOOLCHAIN_DIR ??
    path.join(os.homedir(), ".cache/observability-stack/toolchain");
  throw new Error(
    `${name} is not on PATH nor built at its pinned version in ${cache}; run scripts/toolchain/install.sh`,
  );
}

export interface RunResult {
  status: number;
  output: string;
}

export function run(binary: string, args: string[], cwd?: string): RunResult {
  const result = spawnSync(binary, args, { cwd, encoding: "utf8" });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

export function version(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8" }).split("\n")[0];
}

export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}
