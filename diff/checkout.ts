/**
 * The two sides of `npm run diff`: a base ref exported from git into a scratch directory,
 * and the working tree; each rendered by its own code in a process of its own.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ExtractOutput, StackModel } from "./model";

/** A git command that failed: the CLI exits non-zero with its message. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

export function git(cwd: string, args: string[]): string {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new GitError(`git ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new GitError(
      `git ${args.join(" ")} failed: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}

/** The commit a ref names, or a GitError saying the ref is unknown. */
export function resolveCommit(projectDir: string, ref: string): string {
  if (ref.startsWith("-")) throw new GitError(`not a git ref: ${ref}`);
  try {
    return git(projectDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
  } catch (error) {
    throw new GitError(`unknown git ref ${ref}: ${(error as Error).message}`);
  }
}

/**
 * The project as it was at `commit`, in a scratch directory (`git archive`, so the repository
 * and its worktrees are left alone), with the working tree's node_modules linked in.
 */
export function exportCommit(projectDir: string, commit: string): string {
  const prefix = git(projectDir, ["rev-parse", "--show-prefix"]).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-diff-base-"));
  const tree = prefix ? `${commit}:${prefix.replace(/\/$/, "")}` : commit;
  const archive = spawnSync("git", ["archive", "--format=tar", tree], {
    cwd: projectDir,
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (archive.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new GitError(`git archive ${tree} failed: ${archive.stderr.toString().trim()}`);
  }
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new GitError(`unpacking ${tree} failed: ${untar.stderr.toString().trim()}`);
  }
  const modules = path.join(projectDir, "node_modules");
  if (fs.existsSync(modules) && !fs.existsSync(path.join(dir, "node_modules"))) {
    fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
  }
  return dir;
}

/** Stack names of a checkout: every `Pulumi.<stack>.yaml`. */
export function stackNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
    .filter((name): name is string => name !== undefined);
}

const EXTRACT_ENTRY = path.join(__dirname, "extract.ts");

/**
 * The models of `stacks` rendered by the code in `dir`, from diff/extract.ts run there in a
 * process of its own. When that process fails, every stack reports its error.
 */
export function extractModels(dir: string, stacks: string[]): Promise<StackModel[]> {
  const ownConfig = path.join(__dirname, "..", "tsconfig.json");
  const config = fs.existsSync(path.join(dir, "tsconfig.json"))
    ? path.join(dir, "tsconfig.json")
    : ownConfig;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["-r", require.resolve("ts-node/register/transpile-only"), EXTRACT_ENTRY, dir, ...stacks],
      { cwd: dir, env: { ...process.env, TS_NODE_PROJECT: config } },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const failAll = (why: string) =>
      resolve(stacks.map((stack) => ({ stack, state: "failed", error: why })));
    child.on("error", (error) => failAll(error.message));
    child.on("close", (status) => {
      const stderr = Buffer.concat(err).toString().trim();
      try {
        if (status !== 0) throw new Error(stderr || `exit status ${status}`);
        const output = JSON.parse(Buffer.concat(out).toString()) as ExtractOutput;
        resolve(output.stacks);
      } catch (error) {
        const text = (error as Error).message.split("\n").slice(0, 8).join("\n");
        failAll(`the model extraction failed: ${text}`);
      }
    });
  });
}
