import { CATALOG } from "../components/catalog";
import { COMPONENT_IDS, ComponentId, defaultImageTag } from "../components/definition";
import { budgetProblems, budgetUse } from "./budget";
import { duration } from "./duration";
import { ConfigError, describeSchemaIssues, problem } from "./errors";
import { maximumProblems } from "./maximums";
import { requestProblems } from "./requests";
import { PRESETS, Preset, ResourcesText, Target } from "./presets";
import { parseCpu, parseMemory } from "./quantity";
import {
  ComponentOverride,
  SECRET_KEYS,
  SecurityContextOverride,
  StackConfig,
  stackConfigSchema,
} from "./schema";
import { RULE_PACK_NAMES } from "../rules/packs";
import { ComponentSecurity, ComponentSettings, RuleSettings, Settings } from "./settings";
import { resolveSentry, sentryProblems, trackerPublishedPorts } from "./sentry";
import { PROBE_JOB } from "../components/sentry/probe";
import { noEffectProblems } from "./no-effect";
import { alertingProblems } from "./alerting";

/** A stack's config as read from Pulumi or from a stack file, before validation. */
export interface RawStackConfig {
  project: string;
  stack: string;
  /** The project's own keys, without the `observability-stack:` prefix. */
  values: Record<string, unknown>;
  /** Keys whose values Pulumi holds encrypted. */
  secretKeys: ReadonlySet<string>;
}

/** The one way from stack config to settings, shared by `pulumi up` and `npm run render`. */
export function loadSettings(raw: RawStackConfig): Settings {
  const parsed = stackConfigSchema.safeParse(raw.values, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(raw.stack, describeSchemaIssues(stackConfigSchema, parsed.error.issues));
  }
  const settings = resolveSettings(raw, parsed.data);
  const problems = [...secretProblems(raw), ...checkSettings(settings, parsed.data)];
  if (problems.length > 0) throw new ConfigError(raw.stack, problems);
  return settings;
}

function secretProblems(raw: RawStackConfig): string[] {
  return SECRET_KEYS.filter((key) => raw.values[key] !== undefined && !raw.secretKeys.has(key)).map(
    (key) =>
      `observability-stack:${key}: is set in plain text; set it with \`pulumi config set --secret ${key} <value>\``,
  );
}

function resolveSettings(raw: RawStackConfig, config: StackConfig): Settings {
  const preset = PRESETS[config.environment];
  const target = config.target ?? preset.target;
  const overrides = (config.components ?? {}) as Partial<Record<ComponentId, ComponentOverride>>;
  const components = Object.fromEntries(
    COMPONENT_IDS.map((id) => [
      id,
      resolveComponent(id, preset, target, overrides[id], config.imageRegistry),
    ]),
  ) as Record<ComponentId, ComponentSettings>;
  standInImages(components);
  return {
    project: raw.project,
    stack: raw.stack,
    environment: config.environment,
    target,
    sampling: {
      ratio: config.sampling?.ratio ?? preset.sampling.ratio,
      tail: {
        enabled: config.sampling?.tail?.enabled ?? preset.sampling.tail.enabled,
        latencyThreshold: duration(
          config.sampling?.tail?.latencyThreshold ?? preset.sampling.tail.latencyThreshold,
        ),
      },
    },
    retention: {
      metrics: duration(config.retention?.metrics ?? preset.retention.metrics),
      logs: duration(config.retention?.logs ?? preset.retention.logs),
      traces: duration(config.retention?.traces ?? preset.retention.traces),
    },
    components,
    docker: { bindAddress: config.docker?.bindAddress ?? "127.0.0.1" },
    kubernetes: {
      namespace: config.kubernetes?.namespace ?? "observability",
      storageClass: config.kubernetes?.storageClass,
      verifyKubeletCertificates: config.kubernetes?.verifyKubeletCertificates ?? true,
      networkPolicy: {
        ingressNamespaces: config.kubernetes?.networkPolicy?.ingressNamespaces ?? [],
        telemetryFrom: config.kubernetes?.networkPolicy?.telemetryFrom ?? "anywhere",
      },
    },
    sentry: resolveSentry(config, {
      preset,
      target,
      imageRegistry: config.imageRegistry,
      bindAddress: config.docker?.bindAddress ?? "127.0.0.1",
      namespace: config.kubernetes?.namespace ?? "observability",
    }),
    rules: {
      packs: RULE_PACK_NAMES.filter((name) => config.rules?.packs?.[name] ?? true),
      overrides: Object.fromEntries(
        Object.entries(config.rules?.overrides ?? {}).filter(
          ([, override]) => override !== undefined,
        ),
      ) as RuleSettings["overrides"],
    },
    applicationMetrics: { prefix: config.applicationMetrics?.prefix ?? "" },
    scrapeJobs: (config.scrapeJobs ?? []).map((job) => ({
      job: job.job,
      targets: job.targets,
      metricsPath: job.metricsPath ?? "/metrics",
      ...(job.params && { params: job.params }),
    })),
    alerting: {
      slack: config.slackWebhookUrl === undefined ? undefined : { secret: "slackWebhookUrl" },
      pagerduty:
        config.pagerdutyRoutingKey === undefined ? undefined : { secret: "pagerdutyRoutingKey" },
      deadMansSwitch:
        config.deadMansSwitchUrl === undefined ? undefined : { secret: "deadMansSwitchUrl" },
    },
  };
}

function resolveComponent(
  id: ComponentId,
  preset: Preset,
  target: Target,
  override: ComponentOverride | undefined,
  imageRegistry: string | undefined,
): ComponentSettings {
  const definition = CATALOG[id];
  const defaults = preset.resources[id];
  const repository =
    override?.image?.repository ??
    (imageRegistry
      ? `${imageRegistry}/${definition.image.repository}`
      : definition.image.repository);
  const publishedPorts = Object.fromEntries(
    Object.entries(definition.ports).map(([name, port]) => [
      name,
      (override?.ports as Record<string, number | undefined> | undefined)?.[name] ?? port.port,
    ]),
  );
  const storage = override?.storage ?? preset.storage[id];
  return {
    id,
    // A component of one target only is off elsewhere; no-effect.ts refuses config enabling it.
    enabled: (definition.onlyOn?.target ?? target) === target && (override?.enabled ?? true),
    image: `${repository}:${override?.image?.tag ?? defaultImageTag(definition)}`,
    replicas: override?.replicas ?? 1,
    workload: definition.workload,
    resources: resolveResources(defaults, override?.resources),
    ports: publishedPorts,
    storage: definition.dataPath ? storage : undefined,
    security: resolveSecurity(id, override?.securityContext),
    ...(override?.standIn ? { standIn: override.standIn } : {}),
  };
}

/**
 * A stand-in runs another component's program, so it takes that component's image (with
 * the stack's registry and overrides applied): the `collector` stand-in runs the collector's.
 */
function standInImages(components: Record<ComponentId, ComponentSettings>): void {
  for (const component of Object.values(components)) {
    if (component.standIn === "collector") component.image = components.otelCollector.image;
  }
}

/** The image's user unless overridden; a root filesystem stays writable where the image writes to it. */
function resolveSecurity(
  id: ComponentId,
  override: SecurityContextOverride | undefined,
): ComponentSecurity {
  const definition = CATALOG[id];
  const runAsUser = override?.runAsUser ?? definition.user;
  const runAsNonRoot = override?.runAsNonRoot ?? runAsUser !== 0;
  return {
    runAsUser,
    runAsNonRoot,
    readOnlyRootFilesystem:
      override?.readOnlyRootFilesystem ?? (runAsUser !== 0 && definition.writableRoot !== true),
  };
}

/** A lowered limit pulls the preset's request down with it; an explicit request is kept as given. */
function resolveResources(
  defaults: ResourcesText,
  override: ComponentOverride["resources"],
): ResourcesText {
  const limits = { ...defaults.limits, ...override?.limits };
  const capped = (request: string, limit: string, parse: (text: string) => number | undefined) =>
    parse(request)! > parse(limit)! ? limit : request;
  return {
    requests: {
      cpu: override?.requests?.cpu ?? capped(defaults.requests.cpu, limits.cpu, parseCpu),
      memory:
        override?.requests?.memory ?? capped(defaults.requests.memory, limits.memory, parseMemory),
    },
    limits,
  };
}

function checkSettings(settings: Settings, config: StackConfig): string[] {
  const enabled = Object.values(settings.components).filter((component) => component.enabled);
  return [
    ...enabled.flatMap((component) =>
      requestProblems(
        ["components", component.id],
        component.resources,
        (config.components as Record<string, ComponentOverride | undefined> | undefined)?.[
          component.id
        ],
        settings.environment,
      ),
    ),
    ...enabled.flatMap((component) => replicaProblems(component, settings)),
    ...enabled.flatMap((component) => podSecurityProblems(component, settings, config)),
    ...duplicatePorts(enabled, trackerPublishedPorts(settings), settings.target),
    ...sentryProblems(settings, config),
    ...scrapeJobProblems(settings),
    ...standInProblems(config),
    ...noEffectProblems(settings, config),
    ...alertingProblems(config),
    ...budgetProblems(budgetUse(settings.environment, enabled)),
    ...maximumProblems(settings, config),
  ];
}

function replicaProblems(component: ComponentSettings, settings: Settings): string[] {
  if (component.replicas === 1) return [];
  const path = ["components", component.id, "replicas"];
  const definition = CATALOG[component.id];
  if (definition.workload === "daemonset") {
    return [problem(path, component.replicas, "must be 1: a DaemonSet runs one pod per node")];
  }
  if (definition.singleReplicaReason) {
    return [problem(path, component.replicas, `must be 1: ${definition.singleReplicaReason}`)];
  }
  if (component.id === "otelCollector" && settings.sampling.tail.enabled) {
    return [
      problem(
        path,
        component.replicas,
        "must be 1 while sampling.tail.enabled is true: tail sampling needs every span of a trace in one collector",
      ),
    ];
  }
  return [];
}

/**
 * On Kubernetes every component but the host agents runs in the stack's namespace, which
 * enforces the restricted Pod Security level: a pod that may run as root is refused there
 * (its controller would retry for ever), so the config that asks for one is refused first.
 */
function podSecurityProblems(
  component: ComponentSettings,
  settings: Settings,
  config: StackConfig,
): string[] {
  if (settings.target !== "kubernetes" || CATALOG[component.id].hostAccess !== undefined) return [];
  const override = (
    config.components as Record<string, ComponentOverride | undefined> | undefined
  )?.[component.id]?.securityContext;
  const path = ["components", component.id, "securityContext"];
  const why = `the stack's namespace (${settings.kubernetes.namespace}) enforces the restricted Pod Security level`;
  const problems: string[] = [];
  const { runAsNonRoot, runAsUser } = component.security;
  // User 0 is named by its own key; runAsNonRoot only when it is set false (or the image is root).
  if (override?.runAsNonRoot === false || (!runAsNonRoot && runAsUser !== 0)) {
    problems.push(
      problem(
        [...path, "runAsNonRoot"],
        false,
        `${why}; its pods must run as non-root: remove the key or set it to true`,
      ),
    );
  }
  if (runAsUser === 0) {
    problems.push(
      problem(
        [...path, "runAsUser"],
        0,
        `${why}; its pods must not run as user 0 (root): set another user, such as ${CATALOG[component.id].user || 65534}`,
      ),
    );
  }
  return problems;
}

/**
 * Ports of the host must be unique: the published ones, and on Docker those of a component
 * on the host's network (node-exporter listens on the host's own port there; a Kubernetes
 * node is not shared with the stack's published Service ports).
 */
function duplicatePorts(
  components: ComponentSettings[],
  tracker: { key: string; port: number }[],
  target: Settings["target"],
): string[] {
  const owners = new Map<number, string>();
  const problems: string[] = [];
  const published = [
    ...components.flatMap((component) =>
      Object.entries(component.ports)
        .filter(
          ([name]) =>
            CATALOG[component.id].ports[name].published ||
            (target === "docker" && CATALOG[component.id].hostNetwork !== undefined),
        )
        .map(([name, port]) => ({ key: `components.${component.id}.ports.${name}`, port })),
    ),
    ...tracker,
  ];
  for (const { key, port } of published) {
    const owner = owners.get(port);
    if (owner) {
      problems.push(
        problem(
          key.split("."),
          port,
          `already used by observability-stack:${owner}; each published port must be unique`,
        ),
      );
    } else {
      owners.set(port, key);
    }
  }
  return problems;
}

/** Job names label every series, so each names one thing: not twice, not a component's own job. */
function scrapeJobProblems(settings: Settings): string[] {
  // A disabled component has no job, so a stack may scrape its own instance under that name
  // (the e2e stack scrapes its cAdvisor as `cadvisor`, so the container rules read it).
  const taken = new Map<string, string>([
    ...Object.values(CATALOG)
      .filter((definition) => settings.components[definition.id].enabled)
      .map((definition) => [definition.serviceName, `the ${definition.displayName} job`] as const),
    [PROBE_JOB, "the error tracker's probe job"],
  ]);
  return settings.scrapeJobs.flatMap((job, index) => {
    const owner = taken.get(job.job);
    taken.set(job.job, `scrapeJobs[${index}]`);
    return owner
      ? [
          problem(
            ["scrapeJobs", index, "job"],
            job.job,
            `already names ${owner}; choose another job name`,
          ),
        ]
      : [];
  });
}

/** A stand-in brings its own image; an image set for the component it replaces would be ignored. */
function standInProblems(config: StackConfig): string[] {
  return Object.entries(config.components ?? {}).flatMap(([id, override]) =>
    override?.standIn && override.image
      ? [
          problem(
            ["components", id, "image"],
            override.image,
            `is not used while components.${id}.standIn is ${override.standIn} (the stand-in runs the collector's image, components.otelCollector.image): remove one of the two`,
          ),
        ]
      : [],
  );
}
