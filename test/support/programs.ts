import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { renderStack } from "../../components/render";
import { Settings } from "../../config/settings";
import { scratchDir } from "./tools";

/** Writes a stack's rendered files (`npm run render` layout) to a scratch directory. */
export function renderSettingsTo(settings: Settings, prefix: string): string {
  const dir = scratchDir(prefix);
  for (const file of renderStack(settings)) {
    fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  return dir;
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A rendered config made runnable on this machine beside anything else: every listener
 * (`0.0.0.0:<port>` strings and `{host: 0.0.0.0, port}` objects) moves to 127.0.0.1 on a
 * free port, and strings starting with a container path start in a scratch directory
 * instead. Returns the config and, for each original port, the port it now has.
 */
export async function localize(
  config: unknown,
  paths: Record<string, string>,
): Promise<{ config: unknown; ports: Map<number, number> }> {
  const ports = new Map<number, number>();
  const portFor = async (port: number) => {
    if (!ports.has(port)) ports.set(port, await freePort());
    return ports.get(port)!;
  };
  const walk = async (value: unknown): Promise<unknown> => {
    if (typeof value === "string") {
      const listener = /^0\.0\.0\.0:(\d+)$/.exec(value);
      if (listener) return `127.0.0.1:${await portFor(Number(listener[1]))}`;
      for (const [from, to] of Object.entries(paths)) {
        if (value === from || value.startsWith(`${from}/`)) return to + value.slice(from.length);
      }
      return value;
    }
    if (Array.isArray(value)) {
      const out = [];
      for (const item of value) out.push(await walk(item));
      return out;
    }
    if (value && typeof value === "object") {
      const entries = Object.entries(value as Record<string, unknown>);
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries) out[key] = await walk(item);
      if (out.host === "0.0.0.0" && typeof out.port === "number") {
        out.host = "127.0.0.1";
        out.port = await portFor(out.port);
      }
      return out;
    }
    return value;
  };
  return { config: await walk(config), ports };
}

/** A program started in the background, with its output kept for failure messages. */
export class Program {
  readonly child: ChildProcess;
  private out = "";
  readonly exited: Promise<number | null>;

  constructor(binary: string, args: string[], cwd?: string) {
    this.child = spawn(binary, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk) => (this.out += chunk));
    this.child.stderr!.on("data", (chunk) => (this.out += chunk));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  get output(): string {
    return this.out;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.running) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.running && this.child.kill("SIGKILL"), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Polls an HTTP URL until it answers 2xx while the program runs; throws with its output. */
export async function waitForHttp(program: Program, url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!program.running) {
      throw new Error(
        `exited (${program.child.exitCode}) before ${url} answered:\n${program.output}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.ok) return body;
      last = `${response.status} ${body}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000}s (${last}):\n${program.output}`,
  );
}

/** Resolves with the exit code if the program exits within timeoutMs, else undefined. */
export async function exitWithin(
  program: Program,
  timeoutMs: number,
): Promise<number | null | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([program.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
