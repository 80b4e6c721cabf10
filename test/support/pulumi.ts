import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "./settings";
import { scratchDir } from "./tools";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * A stack under test with state and config of its own: a file backend in a scratch dir and
 * a copy of `Pulumi.<stack>.yaml`, so tests never touch the committed stack file.
 */
export class TestStack {
  readonly dir = scratchDir("pulumi-e2e");
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly stack: string) {
    this.configFile = path.join(this.dir, `Pulumi.${stack}.yaml`);
    fs.copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), this.configFile);
    fs.mkdirSync(path.join(this.dir, "state"));
    this.env = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase-not-a-secret",
      PULUMI_CONFIG_PASSPHRASE_FILE: "",
    };
  }

  /** Runs `scripts/pulumi.sh <action> --stack <stack> --config-file <copy> ...`. */
  run(action: string, ...args: string[]): CliResult {
    const result = spawnSync(
      path.join(PROJECT_DIR, "scripts/pulumi.sh"),
      [action, "--stack", this.stack, "--config-file", this.configFile, ...args],
      { cwd: PROJECT_DIR, env: this.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Like run, but fails the test with Pulumi's own output when the command fails. */
  ok(action: string, ...args: string[]): CliResult {
    const result = this.run(action, ...args);
    if (result.status !== 0) {
      throw new Error(
        `pulumi ${action} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    return result;
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
