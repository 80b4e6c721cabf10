import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * A validator binary at the version the stack deploys: from PATH when scripts/toolchain/env.sh
 * was sourced, else from the toolchain cache. Tests fail (never skip) when it is missing:
 * `.ci/run` installs it.
 */
export function tool(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  const cache =
    process.env.OBS_TOOLCHAIN_DIR ??
    path.join(os.homedir(), ".cache/observability-stack/toolchain");
  if (fs.existsSync(cache)) {
    // The cache also holds the installer's lock file: look into directories only.
    const dirs = (dir: string) =>
      fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const toolDir of dirs(cache).map((entry) => entry.name)) {
      for (const version of dirs(path.join(cache, toolDir)).map((entry) => entry.name)) {
        const candidate = path.join(cache, toolDir, version, "bin", name);
        if (fs.existsSync(candidate)) return candidate;
      }
    }
  }
  throw new Error(`${name} not found on PATH or in ${cache}; run scripts/toolchain/install.sh`);
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
