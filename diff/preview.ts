/**
 * `npm run diff -- --preview`: `pulumi preview --json` per stack, summed up as resource
 * counts and the replaces a reviewer must look at. Reading the JSON is a pure function;
 * running Pulumi is `runPreview`, which says in one line why it did not run when it cannot.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";

export interface Replace {
  /** The resource's name (the last part of its URN). */
  name: string;
  type: string;
  reasons: string[];
  /** Prometheus, Loki, a StatefulSet, a PVC or a volume: data may be lost. */
  stateful: boolean;
}

export interface PreviewCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  same: number;
}

export type PreviewReport =
  | { status: "skipped" | "failed"; message: string }
  | { status: "ok"; note?: string; counts: PreviewCounts; replaces: Replace[] };

interface Step {
  op?: string;
  urn?: string;
  newState?: { type?: string };
  oldState?: { type?: string };
  replaceReasons?: string[];
  diffReasons?: string[];
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);
const STATEFUL_TYPE =
  /StatefulSet|PersistentVolumeClaim|PersistentVolume\b|docker:index\/volume:Volume/;
const STATEFUL_NAME = /prometheus|loki/i;

export function isStatefulResource(name: string, type: string): boolean {
  return STATEFUL_TYPE.test(type) || STATEFUL_NAME.test(name);
}

/** Counts and replaces from the JSON `pulumi preview --json` prints. */
export function summarizePreview(json: unknown): PreviewReport & { status: "ok" } {
  const document = (json ?? {}) as { steps?: Step[]; changeSummary?: Record<string, number> };
  const steps = document.steps ?? [];
  const counts: PreviewCounts = { create: 0, update: 0, replace: 0, delete: 0, same: 0 };
  const replaced = new Map<string, Replace>();
  for (const step of steps) {
    const op = step.op ?? "";
    const urn = step.urn ?? "";
    if (REPLACE_OPS.has(op)) {
      const type = step.newState?.type ?? step.oldState?.type ?? urn.split("::")[2] ?? "";
      const name = urn.split("::").pop() ?? urn;
      const entry = replaced.get(urn) ?? { name, type, reasons: [], stateful: false };
      for (const reason of [...(step.replaceReasons ?? []), ...(step.diffReasons ?? [])]) {
        if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
      }
      entry.stateful = isStatefulResource(name, type);
      replaced.set(urn, entry);
    } else if (op in counts) {
      counts[op as keyof PreviewCounts] += 1;
    }
  }
  counts.replace = replaced.size;
  const summary = document.changeSummary;
  if (summary) {
    for (const key of Object.keys(counts) as (keyof PreviewCounts)[]) {
      if (typeof summary[key] === "number") counts[key] = summary[key];
    }
  }
  return { status: "ok", counts, replaces: [...replaced.values()] };
}

/** The first error Pulumi reports, in one line. */
export function previewError(stdout: string, stderr: string): string {
  try {
    const document = JSON.parse(stdout) as {
      diagnostics?: { severity?: string; message?: string }[];
    };
    const error = document.diagnostics?.find((item) => item.severity === "error")?.message;
    if (error) return oneLine(error);
  } catch {
    // not JSON: Pulumi failed before the preview
  }
  const lines = `${stderr}\n${stdout}`.split("\n").map((line) => line.trim());
  return oneLine(
    lines.find((line) => /^error:/i.test(line)) ?? lines.filter(Boolean).pop() ?? "no output",
  );
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export interface PreviewOptions {
  stack: string;
  projectDir: string;
  /** The stack's target at head; null when it does not render. */
  target: string | null;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

function onPath(binary: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && fs.existsSync(path.join(dir, binary)));
}

/** Why the stack cannot reach its target from here, or undefined when it can; sets KUBECONFIG. */
function unreachable(options: PreviewOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.target === "kubernetes") {
    const file =
      options.env[`KUBECONFIG_${options.stack}`] ||
      options.env.KUBECONFIG?.split(path.delimiter)[0] ||
      path.join(os.homedir(), ".kube", "config");
    if (!fs.existsSync(file)) {
      return `no kubeconfig for this Kubernetes stack (KUBECONFIG_${options.stack} or KUBECONFIG)`;
    }
    env.KUBECONFIG = file;
  }
  if (options.target === "docker" && !options.env.DOCKER_HOST) {
    if (!fs.existsSync("/var/run/docker.sock")) return "no Docker engine (DOCKER_HOST)";
  }
  return undefined;
}

function pulumi(args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number) {
  const result = spawnSync("pulumi", [...args, "--non-interactive"], {
    cwd,
    env,
    encoding: "utf8",
    timeout,
    maxBuffer: 256 * 1024 * 1024,
  });
  return {
    status: result.error ? -1 : (result.status ?? -1),
    stdout: result.stdout ?? "",
    stderr: `${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`,
  };
}

/**
 * A project directory on a file backend of its own, as test/support/pulumi.ts makes them:
 * Pulumi.yaml points `main` at the project, the stack file is a copy (`stack init` writes to it).
 */
function scratchProject(options: PreviewOptions, env: NodeJS.ProcessEnv): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "obs-diff-preview-"));
  const project = yaml.load(
    fs.readFileSync(path.join(options.projectDir, "Pulumi.yaml"), "utf8"),
  ) as Record<string, unknown>;
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    yaml.dump({ ...project, main: path.resolve(options.projectDir) }),
  );
  const stackFile = `Pulumi.${options.stack}.yaml`;
  fs.copyFileSync(path.join(options.projectDir, stackFile), path.join(dir, stackFile));
  fs.mkdirSync(path.join(dir, "state"));
  env.PULUMI_BACKEND_URL = `file://${path.join(dir, "state")}`;
  env.PULUMI_CONFIG_PASSPHRASE = "obs-diff-scratch-not-a-secret";
  delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  return dir;
}

export function runPreview(options: PreviewOptions): PreviewReport {
  const env: NodeJS.ProcessEnv = { ...options.env };
  if (options.target === null) {
    return { status: "skipped", message: "the stack does not render at head" };
  }
  // In CI the workflow provides the backend; a scratch one would only show a fresh deployment.
  if (!env.PULUMI_BACKEND_URL && env.CI) {
    return { status: "skipped", message: "no Pulumi backend in CI (PULUMI_BACKEND_URL)" };
  }
  if (!onPath("pulumi", env)) return { status: "skipped", message: "pulumi is not on PATH" };
  const why = unreachable(options, env);
  if (why) return { status: "skipped", message: why };
  const timeout = options.timeoutMs ?? 15 * 60 * 1000;
  let cwd = options.projectDir;
  let scratch: string | undefined;
  let note: string | undefined;
  if (!env.PULUMI_BACKEND_URL) {
    scratch = scratchProject(options, env);
    cwd = scratch;
    note = "scratch backend with nothing deployed: every resource counts as a create";
  }
  try {
    if (scratch) {
      const init = pulumi(["stack", "init", options.stack], cwd, env, timeout);
      if (init.status !== 0) {
        return {
          status: "failed",
          message: `pulumi stack init: ${previewError(init.stdout, init.stderr)}`,
        };
      }
    }
    const result = pulumi(["preview", "--json", "--stack", options.stack], cwd, env, timeout);
    if (result.status !== 0) {
      return { status: "failed", message: previewError(result.stdout, result.stderr) };
    }
    let json: unknown;
    try {
      json = JSON.parse(result.stdout);
    } catch {
      return { status: "failed", message: "pulumi preview --json printed no JSON" };
    }
    return { ...summarizePreview(json), ...(note && { note }) };
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
