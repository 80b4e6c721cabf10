import { ResourcesText } from "../config/presets";
import { ComponentSettings, SecretRef, Settings } from "../config/settings";
import { CATALOG } from "./catalog";
import { ComponentId, PortDefinition, Workload } from "./definition";
import type { TrackerServiceId } from "./sentry/definition";

export interface ServicePort {
  name: string;
  /** Port the process listens on inside its container. */
  containerPort: number;
  /** Port published outside the stack; undefined when the port stays internal. */
  publishedPort?: number;
  protocol: "tcp" | "udp";
  /** Takes the user's services' telemetry (PortDefinition.intake). */
  intake?: boolean;
}

export interface ConfigFile {
  /**
   * The directory it is mounted in; one volume per directory on Kubernetes, so no config
   * directory of a spec may lie inside another.
   */
  dir: string;
  /** Path below `dir`; may hold a subdirectory. */
  file: string;
  /** Where `npm run render` writes it, relative to the output directory. */
  renderPath: string;
  content: string;
}

/** A credential mounted as a file, for programs that read secrets from `*_file` settings. */
export interface SecretFile {
  mountPath: string;
  secret: SecretRef;
}

export interface DataVolume {
  name: string;
  mountPath: string;
  size: string;
  /**
   * The official image has no directory at `mountPath` that its user owns (Jaeger's), so a
   * new, empty volume mounted there belongs to root and the program cannot write to it.
   * Kubernetes hands it to the user with fsGroup; the Docker adapter changes its owner first.
   */
  rootOwnedWhenNew?: boolean;
}

export interface HostMount {
  name: string;
  hostPath: string;
  mountPath: string;
}

export interface SecurityProfile {
  runAsUser: number;
  runAsNonRoot: boolean;
  readOnlyRootFilesystem: boolean;
  privileged: boolean;
  hostPid: boolean;
}

/** A stack component, or a service of the in-stack error tracker (components/sentry). */
export type ServiceId = ComponentId | TrackerServiceId;

/**
 * How a platform checks that a service is ready: an HTTP GET of `path`, or a TCP connect when
 * there is no path. Docker runs `dockerCommand` when given (an image without wget), else wget.
 */
export interface HealthCheck {
  port: number;
  path?: string;
  /** An HTTP path that answers while the process works, ready or not (liveness). */
  livenessPath?: string;
  dockerCheck: boolean;
  dockerCommand?: string[];
}

/**
 * Who may connect to a service outside the wiring graph (the error tracker's services): the
 * services (and jobs) of the stack by name, on every port; published ports from anywhere.
 */
export interface ServiceIngress {
  fromServices: string[];
}

/**
 * Everything a platform adapter needs to run one service; no platform appears in it. A stack
 * component (the default) always has a health check and metrics; a service of the error
 * tracker may have neither (a queue consumer has no port).
 */
export type ServiceSpec<I extends ServiceId = ComponentId> = CommonServiceSpec<I> &
  (I extends ComponentId
    ? { health: HealthCheck; metrics: { port: number; path: string } }
    : { health?: HealthCheck; metrics?: { port: number; path: string } });

interface CommonServiceSpec<I extends ServiceId> {
  id: I;
  name: string;
  image: string;
  args: string[];
  env: Record<string, string>;
  secretEnv: Record<string, SecretRef>;
  ports: ServicePort[];
  configFiles: ConfigFile[];
  secretFiles: SecretFile[];
  dataVolume?: DataVolume;
  hostMounts: HostMount[];
  resources: ResourcesText;
  replicas: number;
  workload: Workload;
  security: SecurityProfile;
  /** Network ingress for services outside the wiring graph; see ServiceIngress. */
  ingress?: ServiceIngress;
  /**
   * Scrapes the host agents (Prometheus): on Kubernetes it lists their endpoints, so needs
   * read access to them; on Docker it reaches those on the host's network by DOCKER_HOST_ALIAS.
   */
  discoversHostAgents?: boolean;
  /**
   * Runs in the host's network namespace (ComponentDefinition.hostNetwork): its ports are
   * the host's, and the platform appends `<listenFlag>=<address>:<port>` to its args with
   * the address it may listen on there.
   */
  hostNetwork?: { listenFlag: string; port: number };
  /**
   * Kinds of cluster objects the program lists and watches (kube-state-metrics): the
   * Kubernetes adapter grants read access to these, cluster-wide, and to nothing else.
   */
  readsClusterState?: readonly string[];
  /** Scrapes every node's kubelet (Prometheus on Kubernetes): node discovery and `nodes/metrics`. */
  scrapesKubelets?: boolean;
}

/** A task that runs to completion before services that need it start (a schema migration). */
export interface JobSpec {
  id: string;
  name: string;
  image: string;
  args: string[];
  env: Record<string, string>;
  secretEnv: Record<string, SecretRef>;
  configFiles: ConfigFile[];
  secretFiles: SecretFile[];
  resources: ResourcesText;
  security: SecurityProfile;
  /** Tries before the job counts as failed. */
  backoffLimit: number;
}

export type ServiceSpecParts = Partial<
  Pick<ServiceSpec, "args" | "env" | "secretEnv" | "configFiles" | "secretFiles" | "hostMounts">
>;

/** What a spec takes from a service's static definition, whether a component or a tracker service. */
export interface DefinitionCore {
  serviceName: string;
  ports: Record<string, PortDefinition>;
  dataPath?: string;
  /** False where the official image has no `dataPath` owned by its user (DataVolume.rootOwnedWhenNew). */
  dataPathInImage?: false;
}

/** What a spec takes from the service's settings in force. */
export interface DeployedCore {
  image: string;
  /** Port name to the port it is published on. */
  ports: Record<string, number>;
  storage?: string;
  resources: ResourcesText;
}

/** The fields every spec builds the same way from a definition, its settings and its parts. */
export function specCore(
  definition: DefinitionCore,
  deployed: DeployedCore,
  parts: ServiceSpecParts,
) {
  return {
    name: definition.serviceName,
    image: deployed.image,
    args: parts.args ?? [],
    env: parts.env ?? {},
    secretEnv: parts.secretEnv ?? {},
    ports: Object.entries(definition.ports).map(([name, port]) => ({
      name,
      containerPort: port.port,
      publishedPort: port.published ? deployed.ports[name] : undefined,
      protocol: port.protocol,
      ...(port.intake && { intake: true }),
    })),
    configFiles: parts.configFiles ?? [],
    secretFiles: parts.secretFiles ?? [],
    dataVolume:
      definition.dataPath && deployed.storage
        ? {
            name: "data",
            mountPath: definition.dataPath,
            size: deployed.storage,
            ...(definition.dataPathInImage === false && { rootOwnedWhenNew: true }),
          }
        : undefined,
    hostMounts: parts.hostMounts ?? [],
    resources: deployed.resources,
  };
}

/**
 * The port a component's process listens on: its definition's, or for a component on the
 * host's network the one stack config gives (`components.<id>.ports.<name>`), since there it
 * is a port of the host that may be taken.
 */
export function listenPort(settings: Settings, id: ComponentId, portName: string): number {
  const definition = CATALOG[id];
  return definition.hostNetwork
    ? settings.components[id].ports[portName]
    : definition.ports[portName].port;
}

/** The parts every spec shares, from the component's definition and settings. */
export function baseSpec(
  settings: Settings,
  id: ComponentId,
  parts: ServiceSpecParts,
): ServiceSpec {
  const definition = CATALOG[id];
  const component: ComponentSettings = settings.components[id];
  const containerPort = (name: string) => listenPort(settings, id, name);
  const core = specCore(definition, component, parts);
  const listenFlag = definition.hostNetwork?.listenFlag;
  return {
    id,
    ...core,
    ports: core.ports.map((port) => ({ ...port, containerPort: containerPort(port.name) })),
    ...(listenFlag && {
      hostNetwork: { listenFlag, port: containerPort(definition.metrics.port) },
    }),
    replicas: component.replicas,
    workload: definition.workload,
    health: {
      port: containerPort(definition.health.port),
      path: definition.health.path,
      livenessPath: definition.health.livenessPath,
      dockerCheck: definition.dockerHealthCheck !== false,
    },
    metrics: { port: containerPort(definition.metrics.port), path: definition.metrics.path },
    security: {
      ...component.security,
      privileged: definition.hostAccess === "privileged",
      hostPid: definition.hostAccess !== undefined,
    },
  };
}

export function mountPath(file: ConfigFile): string {
  return `${file.dir}/${file.file}`;
}

/** The address other services use for a component's port: the same on Docker and Kubernetes. */
export function serviceAddress(id: ComponentId, portName: string): string {
  const definition = CATALOG[id];
  return `${definition.serviceName}:${definition.ports[portName].port}`;
}
