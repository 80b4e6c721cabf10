import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import versions from "../../versions.json";
import { parseCpu, parseMemory } from "../../config/quantity";
import { Settings } from "../../config/settings";
import { JobSpec, mountPath, ServiceId, ServiceSpec } from "../spec";
import { DOCKER_HOST_ALIAS } from "./docker-host";
import { DeployedService, DeployOptions, Platform, SecretResolver } from "./platform";

export interface DockerPlatformArgs {
  settings: Settings;
}

/** Container memory in MiB, as the Docker provider takes it. */
export function memoryMiB(quantity: string): number {
  return Math.ceil(parseMemory(quantity)! / 1024 ** 2);
}

/** The check, asked where the service listens: loopback in its container, or its host address. */
export function healthCheckCommand(spec: ServiceSpec<ServiceId>, host = "127.0.0.1"): string[] {
  if (!spec.health) return [];
  if (spec.health.dockerCommand) return spec.health.dockerCommand;
  return [
    "CMD",
    "wget",
    "-q",
    "-O",
    "/dev/null",
    `http://${host}:${spec.health.port}${spec.health.path}`,
  ];
}

/**
 * The Docker adapter: one network, a volume per stateful service, a container per spec.
 * Published ports bind to the configured address (127.0.0.1 unless set otherwise). A spec
 * on the host's network (node-exporter) runs with `network_mode: host` and listens on the
 * stack network's gateway only: the host's address that the stack's containers reach (as
 * DOCKER_HOST_ALIAS), not one of the host's outside addresses.
 */
export class DockerPlatform extends pulumi.ComponentResource implements Platform {
  readonly network: docker.Network;
  readonly provider: docker.Provider;
  private readonly prefix: string;
  private readonly bindAddress: string;

  constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observability-stack:platform:Docker", name, {}, opts);
    this.prefix = `obs-${args.settings.stack}`;
    this.bindAddress = args.settings.docker.bindAddress;
    // The engine runs the provider plugin built for this exact version (see versions.json).
    this.provider = new docker.Provider(
      `${name}-provider`,
      {},
      { parent: this, version: versions.pulumi.plugins.docker },
    );
    this.network = new docker.Network(
      `${name}-network`,
      { name: this.prefix, driver: "bridge", labels: this.labels() },
      { parent: this, provider: this.provider },
    );
    this.registerOutputs({ network: this.network.name });
  }

  /** The host's address on the stack's network, as the engine assigned it. */
  private gateway(): pulumi.Output<string> {
    return this.network.ipamConfigs.apply((configs) => {
      const gateway = configs?.find((config) => config.gateway)?.gateway;
      if (!gateway) {
        throw new Error(
          `network ${this.prefix}: the Docker engine reports no gateway address, which node-exporter (on the host's network) listens on`,
        );
      }
      return gateway;
    });
  }

  private labels(component?: string) {
    return [
      { label: "observability-stack.stack", value: this.prefix },
      ...(component ? [{ label: "observability-stack.component", value: component }] : []),
    ];
  }

  deploy(
    spec: ServiceSpec<ServiceId>,
    secrets: SecretResolver,
    parent: pulumi.Resource,
    options: DeployOptions = {},
  ): DeployedService {
    const opts = { parent, provider: this.provider, dependsOn: options.dependsOn };
    const volume = spec.dataVolume
      ? new docker.Volume(
          `${spec.name}-${spec.dataVolume.name}`,
          {
            name: `${this.prefix}-${spec.name}-${spec.dataVolume.name}`,
            labels: this.labels(spec.name),
          },
          { ...opts, retainOnDelete: false },
        )
      : undefined;
    const owner = volume && this.volumeOwner(spec, volume, opts);
    const memory = memoryMiB(spec.resources.limits.memory);
    const secretEnvs = Object.entries(spec.secretEnv).map(
      ([key, ref]) => pulumi.interpolate`${key}=${secrets(ref)}`,
    );
    const hostNetwork = spec.hostNetwork;
    const gateway = hostNetwork || spec.discoversHostAgents ? this.gateway() : undefined;
    const container = new docker.Container(
      spec.name,
      {
        name: `${this.prefix}-${spec.name}`,
        image: spec.image,
        command: hostNetwork
          ? gateway!.apply((address) => [
              ...spec.args,
              `${hostNetwork.listenFlag}=${address}:${hostNetwork.port}`,
            ])
          : spec.args,
        envs: [...Object.entries(spec.env).map(([key, value]) => `${key}=${value}`), ...secretEnvs],
        // On the host's network a container has no name on the stack's, and publishes nothing:
        // its ports are the host's already.
        ...(hostNetwork
          ? { networkMode: "host" }
          : { networksAdvanced: [{ name: this.network.name, aliases: [spec.name] }] }),
        hosts:
          spec.discoversHostAgents && !hostNetwork
            ? [{ host: DOCKER_HOST_ALIAS, ip: gateway! }]
            : undefined,
        ports: hostNetwork
          ? []
          : spec.ports
              .filter((port) => port.publishedPort !== undefined)
              .map((port) => ({
                internal: port.containerPort,
                external: port.publishedPort,
                ip: this.bindAddress,
                protocol: port.protocol,
              })),
        uploads: [
          ...spec.configFiles.map((file) => ({ file: mountPath(file), content: file.content })),
          ...spec.secretFiles.map((file) => ({
            file: file.mountPath,
            content: secrets(file.secret),
          })),
        ],
        volumes: [
          ...(volume && spec.dataVolume
            ? [{ volumeName: volume.name, containerPath: spec.dataVolume.mountPath }]
            : []),
          ...spec.hostMounts.map((mount) => ({
            hostPath: mount.hostPath,
            containerPath: mount.mountPath,
            readOnly: true,
          })),
        ],
        memory,
        // Equal to memory: no swap, and the daemon otherwise reports 2x memory and every preview differs.
        memorySwap: memory,
        cpus: String(parseCpu(spec.resources.limits.cpu)! / 1000),
        user: String(spec.security.runAsUser),
        privileged: spec.security.privileged,
        pidMode: spec.security.hostPid ? "host" : undefined,
        restart: "unless-stopped",
        healthcheck: spec.health?.dockerCheck
          ? {
              tests: hostNetwork
                ? gateway!.apply((address) => healthCheckCommand(spec, address))
                : healthCheckCommand(spec),
              interval: "10s",
              timeout: "5s",
              retries: 6,
              startPeriod: "30s",
            }
          : undefined,
        logDriver: "json-file",
        logOpts: { "max-size": "10m", "max-file": "3" },
        labels: this.labels(spec.name),
        mustRun: true,
      },
      {
        ...opts,
        dependsOn: [...(opts.dependsOn ?? []), ...(owner ? [owner] : [])],
        deleteBeforeReplace: true,
      },
    );
    const endpoints = Object.fromEntries(
      spec.ports
        .filter((port) => port.publishedPort !== undefined)
        .map((port) => [
          port.name,
          container.name.apply(
            () =>
              `http://${this.bindAddress === "0.0.0.0" ? "127.0.0.1" : this.bindAddress}:${port.publishedPort}`,
          ),
        ]),
    );
    return { endpoints, workload: container };
  }

  /**
   * A new volume that would be root's (DataVolume.rootOwnedWhenNew) is handed to the
   * service's user before the service starts: the image's own chown, run once as root with
   * the volume mounted; the container stays, exited, until the stack is destroyed.
   */
  private volumeOwner(
    spec: ServiceSpec<ServiceId>,
    volume: docker.Volume,
    opts: pulumi.CustomResourceOptions,
  ): docker.Container | undefined {
    const data = spec.dataVolume;
    if (!data?.rootOwnedWhenNew) return undefined;
    return new docker.Container(
      `${spec.name}-volume-owner`,
      {
        name: `${this.prefix}-${spec.name}-volume-owner`,
        image: spec.image,
        user: "0",
        entrypoints: ["chown", String(spec.security.runAsUser), data.mountPath],
        volumes: [{ volumeName: volume.name, containerPath: data.mountPath }],
        attach: true,
        mustRun: false,
        restart: "no",
        labels: this.labels(spec.name),
      },
      opts,
    );
  }

  /** No Docker stack needs one: the only tracker with jobs (self-hosted Sentry) needs Kubernetes. */
  runJob(job: JobSpec): pulumi.Resource {
    throw new Error(`job ${job.name}: jobs run on Kubernetes only`);
  }
}
