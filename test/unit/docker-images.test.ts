import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import * as yaml from "js-yaml";
import { stackImages } from "../../components/images";
import { renderStack } from "../../components/render";
import {
  checkStackImages,
  engineEndpoint,
  EngineEndpoint,
  ImageCheckOptions,
  MissingImagesError,
  missingImages,
  registryImage,
} from "../../components/platforms/docker-images";
import { fromConfigMap } from "../../config/stack-file";
import { loadSettings } from "../../config/load";
import { freePort } from "../support/programs";
import { PROJECT_DIR, stackSettings } from "../support/settings";
import { scratchDir } from "../support/tools";

/** A real HTTP server for the test's life, on a TCP port or a unix socket. */
async function serve(
  handler: http.RequestListener,
  where: { socketPath: string } | { port: 0 },
): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) =>
    "socketPath" in where
      ? server.listen(where.socketPath, resolve)
      : server.listen(0, "127.0.0.1", resolve),
  );
  servers.push(server);
  return server;
}
const servers: http.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  // The never-answering registry keeps its connections open; end them so close() returns.
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A stand-in Docker engine on a unix socket: `GET /images/<ref>/json` knows `present`. */
async function engine(present: string[]) {
  const asked: string[] = [];
  const socketPath = path.join(scratchDir("engine"), "docker.sock");
  await serve(
    (req, res) => {
      const match = /^\/images\/(.+)\/json$/.exec(req.url ?? "");
      if (req.method !== "GET" || !match) {
        res.writeHead(400).end();
        return;
      }
      asked.push(match[1]);
      if (present.includes(match[1])) {
        res.writeHead(200, { "content-type": "application/json" }).end(`{"Id":"sha256:00"}`);
      } else {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(`{"message":"No such image"}`);
      }
    },
    { socketPath },
  );
  const endpoint: EngineEndpoint = {
    kind: "socket",
    socketPath,
    description: `unix://${socketPath}`,
  };
  return { endpoint, asked };
}

interface RegistryRequest {
  method: string;
  url: string;
  accept?: string;
  authorization?: string;
}

/**
 * A stand-in registry on 127.0.0.1: `GET|HEAD /v2/<repo>/manifests/<tag>` answers 200 for
 * `tags`, 404 otherwise. With `token`, it first challenges for a bearer token from its own
 * /token realm, as Docker Hub does through auth.docker.io.
 */
async function registry(tags: string[], token?: { grants: boolean; realm?: string }) {
  const requests: RegistryRequest[] = [];
  const server = await serve(
    (req, res) => {
      requests.push({
        method: req.method!,
        url: req.url!,
        accept: req.headers.accept,
        authorization: req.headers.authorization,
      });
      const url = new URL(req.url!, "http://registry");
      if (url.pathname === "/token") {
        const scope = url.searchParams.get("scope");
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ token: `token-for-${scope}` }));
        return;
      }
      const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
      if (!match) {
        res.writeHead(404).end();
        return;
      }
      const [, repository, tag] = match;
      const expected = `Bearer token-for-repository:${repository}:pull`;
      if (token && (!token.grants || req.headers.authorization !== expected)) {
        const { port } = server.address() as net.AddressInfo;
        res
          .writeHead(401, {
            "www-authenticate": `Bearer realm="${token.realm ?? `http://127.0.0.1:${port}/token`}",service="test-registry",scope="repository:${repository}:pull"`,
          })
          .end();
        return;
      }
      res.writeHead(tags.includes(`${repository}:${tag}`) ? 200 : 404).end();
    },
    { port: 0 },
  );
  const { port } = server.address() as net.AddressInfo;
  return { host: `127.0.0.1:${port}`, requests };
}

const http_ = (registryHost: string) => `http://${registryHost}`;
const options = (endpoint: EngineEndpoint, extra: Partial<ImageCheckOptions> = {}) => ({
  engine: endpoint,
  registryUrl: http_,
  timeoutMs: 2000,
  ...extra,
});

describe("registryImage: where Docker pulls a reference from", () => {
  test.each([
    ["grafana/grafana:12.3.0", "registry-1.docker.io", "grafana/grafana", "12.3.0"],
    ["busybox:1.36", "registry-1.docker.io", "library/busybox", "1.36"],
    ["docker.io/library/redis:7", "registry-1.docker.io", "library/redis", "7"],
    ["docker.io/redis:7", "registry-1.docker.io", "library/redis", "7"],
    ["ghcr.io/google/cadvisor:v0.57.0", "ghcr.io", "google/cadvisor", "v0.57.0"],
    ["localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0"],
    ["localhost/app:1.0", "localhost", "app", "1.0"],
    ["e2e.local/prom/prometheus:v3.16.0", "e2e.local", "prom/prometheus", "v3.16.0"],
    ["registry.example.com:5000/a/b/c:2", "registry.example.com:5000", "a/b/c", "2"],
    // A first component without a dot, colon or "localhost" is a Docker Hub namespace.
    ["myorg/tools/app:1", "registry-1.docker.io", "myorg/tools/app", "1"],
    ["prom/prometheus", "registry-1.docker.io", "prom/prometheus", "latest"],
    [
      `prom/prometheus:v3@sha256:${"a".repeat(64)}`,
      "registry-1.docker.io",
      "prom/prometheus",
      `sha256:${"a".repeat(64)}`,
    ],
  ])("%s", (ref, registryHost, repository, reference) => {
    expect(registryImage(ref)).toEqual({ registry: registryHost, repository, reference });
  });
});

describe("engineEndpoint: the engine the Docker provider talks to", () => {
  test("the default socket without DOCKER_HOST", () => {
    expect(engineEndpoint({})).toMatchObject({
      kind: "socket",
      socketPath: "/var/run/docker.sock",
    });
  });
  test("a unix socket or plain TCP from DOCKER_HOST", () => {
    expect(engineEndpoint({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toMatchObject({
      kind: "socket",
      socketPath: "/run/user/1000/docker.sock",
    });
    expect(engineEndpoint({ DOCKER_HOST: "tcp://10.0.0.5:2375" })).toMatchObject({
      kind: "tcp",
      host: "10.0.0.5",
      port: 2375,
    });
  });
  test("ssh and TLS endpoints are not spoken to", () => {
    expect(engineEndpoint({ DOCKER_HOST: "ssh://me@build-host" }).kind).toBe("unsupported");
    expect(
      engineEndpoint({ DOCKER_HOST: "tcp://10.0.0.5:2376", DOCKER_TLS_VERIFY: "1" }).kind,
    ).toBe("unsupported");
  });
});

describe("missingImages", () => {
  test("an image present in the local engine is fine, and its registry is not asked", async () => {
    const { endpoint, asked } = await engine(["prom/prometheus:v3.16.0"]);
    const unreachable = `127.0.0.1:${await freePort()}`;
    const images = [{ ref: `${unreachable}/prom/prometheus:v3.16.0`, keys: [] }];
    // The same name with the registry host is a different image: absent, and its registry is down.
    expect(await missingImages(images, options(endpoint))).toHaveLength(1);
    expect(
      await missingImages(
        [{ ref: "prom/prometheus:v3.16.0", keys: ["components.prometheus.image"] }],
        options(endpoint, { registryUrl: () => `http://${unreachable}` }),
      ),
    ).toEqual([]);
    expect(asked).toEqual([`${unreachable}/prom/prometheus:v3.16.0`, "prom/prometheus:v3.16.0"]);
  });

  test("an image absent locally that its registry has is fine; the registry is asked for an index", async () => {
    const { endpoint } = await engine([]);
    const reg = await registry(["team/app:1.0"]);
    expect(
      await missingImages([{ ref: `${reg.host}/team/app:1.0`, keys: [] }], options(endpoint)),
    ).toEqual([]);
    expect(reg.requests).toHaveLength(1);
    expect(reg.requests[0]).toMatchObject({ method: "HEAD", url: "/v2/team/app/manifests/1.0" });
    expect(reg.requests[0].accept).toContain("application/vnd.oci.image.index.v1+json");
    expect(reg.requests[0].accept).toContain(
      "application/vnd.docker.distribution.manifest.list.v2+json",
    );
  });

  test("a tag the registry does not have is missing, with what to do", async () => {
    const { endpoint } = await engine(["team/app:1.0"]);
    const reg = await registry(["team/app:1.0"]);
    const ref = `${reg.host}/team/app:1.1`;
    const lines = await missingImages(
      [{ ref, keys: ["components.prometheus.image"] }],
      options(endpoint),
    );
    expect(lines).toEqual([
      `${ref} (components.prometheus.image): not in the local Docker engine, and ${reg.host} has no 1.1 of team/app (HTTP 404). ` +
        `Pull it with \`docker pull ${ref}\`, or point observability-stack:imageRegistry or observability-stack:components.prometheus.image at a mirror that has it`,
    ]);
  });

  test("one line per missing image, the present ones not listed", async () => {
    const { endpoint } = await engine(["present/one:1"]);
    const reg = await registry(["team/app:1.0"]);
    const images = [
      { ref: "present/one:1", keys: ["components.jaeger.image"] },
      { ref: `${reg.host}/team/app:1.0`, keys: ["components.loki.image"] },
      { ref: `${reg.host}/team/gone:1`, keys: ["components.grafana.image"] },
      { ref: `${reg.host}/team/app:2.0`, keys: ["sentry.services.bugsink.image"] },
    ];
    const lines = await missingImages(images, options(endpoint));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^127\.0\.0\.1:\d+\/team\/gone:1 \(components\.grafana\.image\): /);
    expect(lines[1]).toMatch(
      /^127\.0\.0\.1:\d+\/team\/app:2\.0 \(sentry\.services\.bugsink\.image\): /,
    );
    expect(lines[1]).toContain("observability-stack:sentry.services.bugsink.image");
  });

  test("a registry refusing connections: missing, saying it cannot be reached", async () => {
    const { endpoint } = await engine([]);
    const host = `127.0.0.1:${await freePort()}`;
    const [line] = await missingImages(
      [{ ref: `${host}/team/app:1.0`, keys: [] }],
      options(endpoint),
    );
    expect(line).toContain(
      `not in the local Docker engine, and ${host} cannot be reached (connect ECONNREFUSED`,
    );
    expect(line).toContain(`docker pull ${host}/team/app:1.0`);
  });

  test("a registry host that does not resolve: missing, saying it cannot be reached", async () => {
    const { endpoint } = await engine([]);
    const [line] = await missingImages(
      [{ ref: "no-such-host.invalid/team/app:1.0", keys: [] }],
      options(endpoint),
    );
    expect(line).toContain("no-such-host.invalid cannot be reached (");
    expect(line).toMatch(/\(getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host\.invalid\)/);
  });

  test("a registry that accepts but never answers: missing once the timeout passes", async () => {
    const { endpoint } = await engine([]);
    const server = await serve(() => undefined, { port: 0 });
    server.on("connection", (socket) => sockets.add(socket));
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const started = Date.now();
    const [line] = await missingImages(
      [{ ref: `${host}/team/app:1.0`, keys: [] }],
      options(endpoint, { timeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(line).toContain(`${host} cannot be reached (no answer within 0.3 s)`);
  });

  test("a token challenge: a token from the realm it names, then the manifest with it", async () => {
    const { endpoint } = await engine([]);
    const reg = await registry(["library/busybox:1.36"], { grants: true });
    expect(
      await missingImages(
        [{ ref: `${reg.host}/library/busybox:1.36`, keys: [] }],
        options(endpoint),
      ),
    ).toEqual([]);
    expect(reg.requests.map((r) => `${r.method} ${r.url} ${r.authorization ?? "-"}`)).toEqual([
      "HEAD /v2/library/busybox/manifests/1.36 -",
      "GET /token?service=test-registry&scope=repository%3Alibrary%2Fbusybox%3Apull -",
      "HEAD /v2/library/busybox/manifests/1.36 Bearer token-for-repository:library/busybox:pull",
    ]);
  });

  test("a token service that cannot be reached: missing, naming the token service", async () => {
    const { endpoint } = await engine([]);
    const realm = `http://127.0.0.1:${await freePort()}/token`;
    const reg = await registry(["team/app:1"], { grants: true, realm });
    const [line] = await missingImages(
      [{ ref: `${reg.host}/team/app:1`, keys: [] }],
      options(endpoint),
    );
    expect(line).toContain(
      `${reg.host} asks for a token, and its token service ${new URL(realm).origin} cannot be reached (connect ECONNREFUSED`,
    );
  });

  test("a token that does not grant the pull: missing, saying the registry refuses it", async () => {
    const { endpoint } = await engine([]);
    const reg = await registry(["team/private:1"], { grants: false });
    const [line] = await missingImages(
      [{ ref: `${reg.host}/team/private:1`, keys: [] }],
      options(endpoint),
    );
    expect(line).toContain(`${reg.host} refuses an anonymous pull of team/private (HTTP 401)`);
    expect(line).toContain(`docker login ${reg.host}`);
    // The token is never printed.
    expect(line).not.toContain("token-for");
  });

  test("an engine that cannot be reached: the registry decides, and the line says so", async () => {
    const endpoint: EngineEndpoint = {
      kind: "socket",
      socketPath: path.join(scratchDir("no-engine"), "docker.sock"),
      description: "unix:///nowhere/docker.sock",
    };
    const reg = await registry(["team/app:1.0"]);
    expect(
      await missingImages([{ ref: `${reg.host}/team/app:1.0`, keys: [] }], options(endpoint)),
    ).toEqual([]);
    const [line] = await missingImages(
      [{ ref: `${reg.host}/team/app:9`, keys: [] }],
      options(endpoint),
    );
    expect(line).toContain(
      "the Docker engine at unix:///nowhere/docker.sock cannot be reached (connect ENOENT",
    );
    expect(line).toContain("has no 9 of team/app (HTTP 404)");
  });
});

describe("checkStackImages: the preflight the program runs before any resource", () => {
  test("dev with every image in the engine passes, having asked the engine for each", async () => {
    const images = stackImages(stackSettings("dev"));
    const { endpoint, asked } = await engine(images);
    await expect(
      checkStackImages(stackSettings("dev"), {}, options(endpoint)),
    ).resolves.toBeUndefined();
    expect(asked.sort()).toEqual(images);
  });

  test("dev missing an image it cannot pull stops with that image and nothing else", async () => {
    const images = stackImages(stackSettings("dev"));
    const absent = images.find((image) => image.startsWith("prom/prometheus:"))!;
    const { endpoint } = await engine(images.filter((image) => image !== absent));
    const host = `127.0.0.1:${await freePort()}`;
    const error = await checkStackImages(
      stackSettings("dev"),
      {},
      options(endpoint, { registryUrl: () => `http://${host}` }),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(MissingImagesError);
    expect(error.lines).toHaveLength(1);
    expect(error.message).toContain('Stack "dev" cannot get 1 image; nothing was created:');
    expect(error.message).toContain(
      `  - ${absent} (components.prometheus.image): not in the local Docker engine`,
    );
    expect(error.message).toContain("OBS_SKIP_IMAGE_CHECK=1");
  });

  test("OBS_SKIP_IMAGE_CHECK=1 skips the check", async () => {
    const { endpoint, asked } = await engine([]);
    await expect(
      checkStackImages(stackSettings("dev"), { OBS_SKIP_IMAGE_CHECK: "1" }, options(endpoint)),
    ).resolves.toBeUndefined();
    expect(asked).toEqual([]);
  });

  test.each(["staging", "prod"])("%s (Kubernetes) never asks: the nodes pull", async (stack) => {
    const { endpoint, asked } = await engine([]);
    await expect(
      checkStackImages(stackSettings(stack), {}, options(endpoint)),
    ).resolves.toBeUndefined();
    expect(asked).toEqual([]);
  });
});

/**
 * The Docker e2e imports its images locally (no registry here), so the preflight passes there
 * only if every image the e2e stacks deploy is one the image scripts build.
 */
describe("the e2e stack's images are the ones scripts/e2e builds", () => {
  const script = (name: string) =>
    fs.readFileSync(path.join(PROJECT_DIR, "scripts/e2e", name), "utf8");
  const e2eConfig = () =>
    (
      yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.e2e.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
  // images.sh builds settings.components[<id>].image for each `build_image <id> ...` line.
  const builtComponents = [...script("images.sh").matchAll(/^build_image (\w+) /gm)].map(
    (m) => m[1],
  );

  test("images.sh builds every component image of the e2e stack", () => {
    const settings = stackSettings("e2e");
    expect(builtComponents.length).toBeGreaterThan(4);
    const built = builtComponents.map(
      (id) => settings.components[id as keyof typeof settings.components].image,
    );
    expect(stackImages(settings).filter((image) => !built.includes(image))).toEqual([]);
  });

  test("with sentry.mode bugsink, error-tracker-images.sh builds the tracker's images", () => {
    const config = e2eConfig();
    config["observability-stack:sentry"] = { mode: "bugsink" };
    const settings = loadSettings(fromConfigMap("e2e", config));
    const builtServices = /^for service in ([\w ]+); do$/m
      .exec(script("error-tracker-images.sh"))![1]
      .split(" ");
    expect(builtServices).toEqual(["bugsink", "probe"]);
    // error-tracker-images.sh names each image after manifest.json's errorTracking.services.
    const manifest = JSON.parse(
      renderStack(settings).find((file) => file.path === "manifest.json")!.content,
    );
    const built = [
      ...builtComponents.map(
        (id) => settings.components[id as keyof typeof settings.components].image,
      ),
      ...builtServices.map((service) => manifest.errorTracking.services[service].image as string),
    ];
    expect(stackImages(settings).filter((image) => !built.includes(image))).toEqual([]);
    expect(stackImages(settings)).toContain(manifest.errorTracking.services.bugsink.image);
  });
});
