import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "./settings";
import * as yaml from "js-yaml";
import { execFileSync } from "child_process";
import { scratchDir } from "./tools";

/** The toolchain's bin dirs, as scripts/toolchain/env.sh puts them on PATH. */
function toolchainPath(): string {
  return execFileSync(path.join(PROJECT_DIR, "scripts/toolchain/install.sh"), ["--print-path"], {
    encoding: "utf8",
  }).trim();
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * A stack under test with state and config of its own: a scratch project directory whose
 * Pulumi.yaml points `main` at this project, a copy of `Pulumi.<stack>.yaml` and a file
 * backend. `pulumi stack init` writes an encryption salt into the stack file, and config
 * changes write to it too: here they land in the copy, never in the committed file.
 */
export class TestStack {
  readonly dir = scratchDir("pulumi-e2e");
  readonly env: NodeJS.ProcessEnv;

  /**
   * `source` names the stack file to copy when it is not the stack's own: a test may run a
   * variant of a committed stack under another name (its own containers, network and state).
   */
  constructor(
    readonly stack: string,
    source: string = stack,
  ) {
    const project = yaml.load(
      fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"),
    ) as object;
    fs.writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      yaml.dump({ ...project, main: path.relative(this.dir, PROJECT_DIR) }),
    );
    fs.copyFileSync(
      path.join(PROJECT_DIR, `Pulumi.${source}.yaml`),
      path.join(this.dir, `Pulumi.${stack}.yaml`),
    );
    fs.mkdirSync(path.join(this.dir, "state"));
    this.env = {
      ...process.env,
      PATH: `${toolchainPath()}:${process.env.PATH}`,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase-not-a-secret",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Types are checked by `npm run build`; the engine only needs the JavaScript.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    this.ok("stack", "init");
  }

  /** Runs `pulumi <args> --stack <stack>` in the scratch project. */
  run(...args: string[]): CliResult {
    const result = spawnSync("pulumi", [...args, "--stack", this.stack, "--non-interactive"], {
      cwd: this.dir,
      env: this.env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like run, but fails the test with Pulumi's own output when the command fails. */
  ok(...args: string[]): CliResult {
    const result = this.run(...args);
    if (result.status !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
  }

  up(): CliResult {
    return this.ok("up", "--yes", "--skip-preview");
  }

  destroy(): CliResult {
    return this.run("destroy", "--yes", "--skip-preview");
  }

  setConfig(key: string, value: string, options: { secret?: boolean; path?: boolean } = {}): void {
    this.ok(
      "config",
      "set",
      ...(options.secret ? ["--secret"] : []),
      ...(options.path ? ["--path"] : []),
      `observability-stack:${key}`,
      value,
    );
  }
}
