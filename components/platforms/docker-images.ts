import * as http from "http";
import * as https from "https";
import { CONFIG_NAMESPACE } from "../../config/errors";
import { Settings } from "../../config/settings";
import { StackImage, stackImageUses } from "../images";

/**
 * The Docker target's preflight: before the program registers any resource, every image the
 * stack deploys must be in the local Docker engine or answer from its registry. Otherwise
 * `pulumi up` would create the network and volumes, fail each container with a long provider
 * error and leave a half-made stack behind. On Kubernetes the nodes pull; the cluster judges.
 *
 * The engine is asked through the Engine API (`GET /images/<ref>/json`) on its socket, the
 * registry through the Registry HTTP API v2 (a HEAD of the manifest), anonymously: an image
 * only a logged-in client may pull is reported, with `docker pull` as the way out.
 */

/** Set to 1 to skip the check (an air-gapped engine that pulls through a proxy this process cannot use). */
export const SKIP_IMAGE_CHECK_ENV = "OBS_SKIP_IMAGE_CHECK";

/** The Docker engine's API endpoint: a unix socket, or plain HTTP on a TCP address. */
export type EngineEndpoint =
  | { kind: "socket"; socketPath: string; description: string }
  | { kind: "tcp"; host: string; port: number; description: string }
  /** An endpoint this check cannot speak to (ssh://, TLS): only the registries are asked. */
  | { kind: "unsupported"; description: string };

export interface ImageCheckOptions {
  engine: EngineEndpoint;
  /** The base URL of a registry host's API; Docker's own rule is `https://<host>`. */
  registryUrl?: (registry: string) => string;
  /** How long the engine, a registry or a token service may take for one request. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Docker Hub's API host: `docker.io` names an index, not the registry that serves manifests. */
const DOCKER_HUB = "registry-1.docker.io";

/**
 * What a registry may answer for a tag: a multi-platform index first (what Docker pulls), then
 * a single manifest, in both Docker's and OCI's media types.
 */
const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** The engine endpoint as the Docker CLI and the Pulumi Docker provider pick it: DOCKER_HOST, else the default socket. */
export function engineEndpoint(env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const dockerHost = env.DOCKER_HOST || "unix:///var/run/docker.sock";
  if (dockerHost.startsWith("unix://")) {
    return {
      kind: "socket",
      socketPath: dockerHost.slice("unix://".length),
      description: dockerHost,
    };
  }
  const tcp = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  // With TLS the engine needs client certificates this check does not load.
  if (tcp && !env.DOCKER_TLS_VERIFY) {
    return { kind: "tcp", host: tcp[1], port: Number(tcp[2] ?? 2375), description: dockerHost };
  }
  return { kind: "unsupported", description: dockerHost };
}

/** Where an image reference is served from, by Docker's rules for names without a registry. */
export interface RegistryImage {
  /** The API host, with its port. */
  registry: string;
  repository: string;
  /** The tag, or the digest when the reference pins one. */
  reference: string;
}

export function registryImage(ref: string): RegistryImage {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  let name = at >= 0 ? ref.slice(0, at) : ref;
  let tag = "latest";
  const lastColon = name.lastIndexOf(":");
  if (lastColon > name.lastIndexOf("/")) {
    tag = name.slice(lastColon + 1);
    name = name.slice(0, lastColon);
  }
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  // Docker reads the first component as a registry only when it looks like a host.
  const hasRegistry =
    slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let registry = hasRegistry ? first : "docker.io";
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === "docker.io" || registry === "index.docker.io") {
    registry = DOCKER_HUB;
    if (!repository.includes("/")) repository = `library/${repository}`;
  }
  return { registry, repository, reference: digest ?? tag };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface RequestTarget {
  url: URL;
  socketPath?: string;
}

/** One HTTP(S) request with a deadline for the whole exchange; rejects with the reason it failed. */
function request(
  target: RequestTarget,
  method: "GET" | "HEAD",
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const client = target.url.protocol === "https:" ? https : http;
    const req = client.request(
      target.url,
      { method, headers, ...(target.socketPath ? { socketPath: target.socketPath } : {}) },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          // A token or an error answer is small; a manifest need not be read to its end.
          if (body.length < 64 * 1024) body += chunk;
        });
        response.on("end", () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
        response.on("error", fail);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    req.on("error", fail);
    req.end();
  });
}

/** Node's own message names the error code and the address (connect ECONNREFUSED 127.0.0.1:5000). */
function reasonOf(error: unknown): string {
  return (error as Error).message;
}

type LocalAnswer = { present: true } | { present: false; note?: string };

/** Whether the local engine holds the image; a note when the engine could not be asked. */
async function inLocalEngine(ref: string, options: ImageCheckOptions): Promise<LocalAnswer> {
  const engine = options.engine;
  if (engine.kind === "unsupported") {
    return {
      present: false,
      note: `the Docker engine at ${engine.description} was not asked (only unix:// and tcp:// without TLS are)`,
    };
  }
  const base = engine.kind === "socket" ? "http://docker" : `http://${engine.host}:${engine.port}`;
  const target = {
    url: new URL(`${base}/images/${ref}/json`),
    socketPath: engine.kind === "socket" ? engine.socketPath : undefined,
  };
  try {
    const answer = await request(target, "GET", {}, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (answer.status === 200) return { present: true };
    if (answer.status === 404) return { present: false };
    return {
      present: false,
      note: `the Docker engine at ${engine.description} answered HTTP ${answer.status}`,
    };
  } catch (error) {
    return {
      present: false,
      note: `the Docker engine at ${engine.description} cannot be reached (${reasonOf(error)})`,
    };
  }
}

/** The parameters of a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge. */
function bearerChallenge(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g))
    params[match[1].toLowerCase()] = match[2];
  return params.realm ? params : undefined;
}

/** Why no token came from the token service: said as is, not as the registry being unreachable. */
class TokenError extends Error {}

/** An anonymous pull token from the token service a registry's challenge names. */
async function anonymousToken(
  challenge: Record<string, string>,
  image: RegistryImage,
  timeoutMs: number,
): Promise<string> {
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set("service", challenge.service);
  url.searchParams.set("scope", challenge.scope ?? `repository:${image.repository}:pull`);
  let answer: Answer;
  try {
    answer = await request({ url }, "GET", { accept: "application/json" }, timeoutMs);
  } catch (error) {
    throw new TokenError(
      `asks for a token, and its token service ${url.origin} cannot be reached (${reasonOf(error)})`,
    );
  }
  if (answer.status !== 200)
    throw new TokenError(
      `asks for a token, and its token service ${url.origin} answered HTTP ${answer.status}`,
    );
  let token: unknown;
  try {
    const body = JSON.parse(answer.body) as { token?: unknown; access_token?: unknown };
    token = body.token ?? body.access_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== "string" || token === "") {
    throw new TokenError(`asks for a token, and its token service ${url.origin} gave no token`);
  }
  return token;
}

/** Undefined when the registry has the manifest; else why the image cannot be had from it. */
async function registryProblem(
  ref: string,
  options: ImageCheckOptions,
): Promise<string | undefined> {
  const image = registryImage(ref);
  const base = (options.registryUrl ?? ((registry: string) => `https://${registry}`))(
    image.registry,
  );
  const url = new URL(
    `${base.replace(/\/$/, "")}/v2/${image.repository}/manifests/${image.reference}`,
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
  const ask = async () => {
    const answer = await request({ url }, "HEAD", headers, timeoutMs);
    // A registry without HEAD on manifests answers GET the same way.
    return answer.status === 405 ? request({ url }, "GET", headers, timeoutMs) : answer;
  };
  try {
    let answer = await ask();
    const challenge =
      answer.status === 401 ? bearerChallenge(answer.headers["www-authenticate"]) : undefined;
    if (challenge) {
      headers.authorization = `Bearer ${await anonymousToken(challenge, image, timeoutMs)}`;
      answer = await ask();
    }
    if (answer.status >= 200 && answer.status < 300) return undefined;
    if (answer.status === 404) {
      return `${image.registry} has no ${image.reference} of ${image.repository} (HTTP 404)`;
    }
    if (answer.status === 401 || answer.status === 403) {
      // Docker Hub answers so for a repository that does not exist as well as for a private one.
      return `${image.registry} refuses an anonymous pull of ${image.repository} (HTTP ${answer.status}): it does not exist there, or needs \`docker login ${image.registry}\``;
    }
    return `${image.registry} answered HTTP ${answer.status} for ${image.repository}:${image.reference}`;
  } catch (error) {
    const reason =
      error instanceof TokenError ? error.message : `cannot be reached (${reasonOf(error)})`;
    return `${image.registry} ${reason}`;
  }
}

/** One line per image that is neither in the local engine nor in its registry, saying what to do. */
export async function missingImages(
  images: StackImage[],
  options: ImageCheckOptions,
): Promise<string[]> {
  const lines = await Promise.all(
    images.map(async ({ ref, keys }) => {
      const local = await inLocalEngine(ref, options);
      if (local.present) return undefined;
      const remote = await registryProblem(ref, options);
      if (remote === undefined) return undefined;
      const where = local.note ?? "not in the local Docker engine";
      const keyHint = [
        `${CONFIG_NAMESPACE}:imageRegistry`,
        ...keys.map((key) => `${CONFIG_NAMESPACE}:${key}`),
      ].join(" or ");
      return `${ref}${keys.length ? ` (${keys.join(", ")})` : ""}: ${where}, and ${remote}. Pull it with \`docker pull ${ref}\`, or point ${keyHint} at a mirror that has it`;
    }),
  );
  return lines.filter((line): line is string => line !== undefined);
}

/** The images a Docker stack cannot get, reported before anything is created. */
export class MissingImagesError extends Error {
  constructor(
    readonly stack: string,
    readonly lines: string[],
  ) {
    super(
      `Stack "${stack}" cannot get ${lines.length} image${lines.length === 1 ? "" : "s"}; nothing was created:\n` +
        lines.map((line) => `  - ${line}`).join("\n") +
        `\n(${SKIP_IMAGE_CHECK_ENV}=1 skips this check, for an engine that pulls through a mirror or proxy this program cannot use.)`,
    );
    this.name = "MissingImagesError";
  }
}

/**
 * Throws MissingImagesError when a Docker stack's images cannot all be had; does nothing on
 * Kubernetes (the nodes pull) or when OBS_SKIP_IMAGE_CHECK=1.
 */
export async function checkStackImages(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
  options: ImageCheckOptions = { engine: engineEndpoint(env) },
): Promise<void> {
  if (settings.target !== "docker" || env[SKIP_IMAGE_CHECK_ENV] === "1") return;
  const lines = await missingImages(stackImageUses(settings), options);
  if (lines.length > 0) throw new MissingImagesError(settings.stack, lines);
}
